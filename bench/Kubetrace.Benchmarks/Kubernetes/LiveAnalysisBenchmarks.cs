using BenchmarkDotNet.Attributes;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Benchmarks.Kubernetes;

/// <summary>
/// The per-trace work of the analyses that run live on every query (and build rollups), without the scan: one
/// minute of simulated cluster traffic with every scenario planted is scanned once into memory, then each
/// benchmark feeds all its traces to a fresh analysis. Allocated bytes (MemoryDiagnoser) divided by
/// <see cref="Spans"/> is the per-span figure of docs/benchmarks.md, exact on a busy machine.
/// </summary>
[MemoryDiagnoser]
public class LiveAnalysisBenchmarks
{
    private readonly List<ScannedTrace> _apiserverTraces = [];
    private readonly List<ScannedTrace> _etcdTraces = [];

    public long Spans { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var directory = Path.Combine(Path.GetTempPath(), $"kubetrace-bench-live-{Environment.ProcessId}");
        var store = EmbeddedTraceStore.Open(new StoreOptions { Directory = directory, Retention = TimeSpan.Zero, WalCompression = false });
        try
        {
            var simulator = new ClusterSimulator(new SimulationOptions
            {
                RequestsPerSecond = 100, Duration = TimeSpan.FromMinutes(1), Start = DateTimeOffset.UtcNow.AddHours(-1),
                Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow,
            });
            foreach (var batch in simulator.Batches())
                store.AppendAsync(Pipeline.TraceBatch.FromEncoded(Google.Protobuf.MessageExtensions.ToByteArray(batch.Request), batch.SpanCount),
                    CancellationToken.None).AsTask().GetAwaiter().GetResult();
            Record(store, new ApiserverLatencyAnalysis(TimeRange.All).ScanRequest, _apiserverTraces);
            Record(store, new EtcdLatencyAnalysis(TimeRange.All).ScanRequest, _etcdTraces);
            Spans = _apiserverTraces.Sum(t => (long)t.Spans.Count);
            Console.WriteLine($"// {_apiserverTraces.Count:N0} apiserver traces, {Spans:N0} spans");
        }
        finally
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Record(EmbeddedTraceStore store, SpanScanRequest request, List<ScannedTrace> into) =>
        store.ScanAsync(request, trace =>
        {
            var copy = new ScannedTrace { TraceId = trace.TraceId };
            foreach (var span in trace.Spans) copy.Spans.Add(span.Clone());
            into.Add(copy);
        }, CancellationToken.None).AsTask().GetAwaiter().GetResult();

    [Benchmark]
    public int Apiserver()
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in _apiserverTraces) analysis.Add(trace);
        return analysis.Report().Groups.Count;
    }

    [Benchmark]
    public int Webhooks()
    {
        var analysis = new WebhookLatencyAnalysis(TimeRange.All);
        foreach (var trace in _apiserverTraces) analysis.Add(trace);
        return analysis.Report().Webhooks.Count;
    }

    [Benchmark]
    public int Etcd()
    {
        var analysis = new EtcdLatencyAnalysis(TimeRange.All);
        foreach (var trace in _etcdTraces) analysis.Add(trace);
        return analysis.Report().Operations.Count;
    }
}
