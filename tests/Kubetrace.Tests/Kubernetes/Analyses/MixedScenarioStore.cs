using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// A real store holding 40 simulated seconds of a cluster with every scenario planted at once (slow, failing and
/// throttled apiserver requests, slow etcd, a slow image), generated in-process: traffic for every scanning analysis.
/// </summary>
public class MixedScenarioStore : IAsyncLifetime
{
    private readonly ITestStore _store;

    public MixedScenarioStore() : this(StoreBackend.Embedded) { }

    protected MixedScenarioStore(StoreBackend backend) => _store = TestStores.Create(backend);

    public ITraceStore Store => _store.Store;

    /// <summary>
    /// On ClickHouse, the same database through a store that keeps the analyses' rollups, every minute rolled up
    /// after loading (<see cref="Store"/> keeps none there, so it answers by scanning); null on the embedded store.
    /// </summary>
    public ITraceStore? RolledUp { get; private set; }

    public async Task InitializeAsync()
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow |
                        SimulationScenario.ImagePullSlow | SimulationScenario.ApfThrottling,
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), Duration = TimeSpan.FromSeconds(40), Seed = 5,
        });
        foreach (var batch in simulator.Batches()) await _store.AppendAsync(batch.Request);
        if (_store is ClickHouseTempStore clickHouse)
        {
            var rolledUp = await ClickHouseTraceStore.OpenAsync(clickHouse.Options with
            {
                Rollups = KubetraceExporterConfig.AnalysisRollups(), RollupSettle = TimeSpan.Zero, RollupInterval = TimeSpan.Zero,
            });
            RolledUp = rolledUp;
            Assert.True(await rolledUp.BuildRollupsAsync(CancellationToken.None) > 0, "no minute rolled up");
        }
    }

    /// <summary>Copies of every trace a scan delivers (scanners reuse theirs).</summary>
    public Task<List<ScannedTrace>> TracesAsync(SpanScanRequest request) => CopiesAsync(Store, request);

    /// <summary>Copies of every trace a scan of <paramref name="store"/> delivers.</summary>
    public static async Task<List<ScannedTrace>> CopiesAsync(ITraceStore store, SpanScanRequest request)
    {
        var traces = new List<ScannedTrace>();
        await store.ScanAsync(request, trace =>
        {
            var copy = new ScannedTrace { TraceId = trace.TraceId };
            copy.Spans.AddRange(trace.Spans.Select(s => s.Clone()));
            traces.Add(copy);
        }, CancellationToken.None);
        return traces;
    }

    public async Task DisposeAsync()
    {
        if (RolledUp is not null) await RolledUp.DisposeAsync();
        await _store.DisposeAsync();
    }
}

/// <summary>The same cluster's traffic in ClickHouse.</summary>
public sealed class ClickHouseMixedScenarioStore() : MixedScenarioStore(StoreBackend.ClickHouse);

/// <summary>The same cluster's traffic on a two-shard ClickHouse cluster.</summary>
public sealed class ClickHouseShardsMixedScenarioStore() : MixedScenarioStore(StoreBackend.ClickHouseShards);
