using Google.Protobuf;
using Kubetrace.Analysis;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Pipeline;
using Kubetrace.Query;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// Every catalog analysis that has a rollup answers from an embedded store whose settled blocks are rolled up
/// exactly as from the same data scanned span by span: 20 minutes of simulated cluster traffic (every scenario),
/// the head cut every 2 minutes of it, so that traces straddle blocks and the head. (It covers the analyses that
/// register a rollup in <see cref="AnalysisDefinition.Rollup"/>: none before the mergeable analysis states land.)
/// </summary>
public sealed class AnalysesOverRollupsTests
{
    private static readonly DateTimeOffset Start = DateTimeOffset.UtcNow.AddHours(-1);

    private static async Task LoadAsync(EmbeddedTraceStore store)
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            RequestsPerSecond = 2, Duration = TimeSpan.FromMinutes(20), Start = Start, Seed = 7,
            Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow
                | SimulationScenario.ImagePullSlow | SimulationScenario.ApfThrottling,
        });
        var nextCut = Start + TimeSpan.FromMinutes(2);
        foreach (var batch in simulator.Batches())
        {
            await store.AppendAsync(TraceBatch.FromEncoded(batch.Request.ToByteArray(), batch.SpanCount), CancellationToken.None);
            var latest = batch.Request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Max(s => s.StartTimeUnixNano);
            if ((long)latest / 1_000_000 < nextCut.ToUnixTimeMilliseconds()) continue;
            await store.FlushHeadAsync();
            nextCut += TimeSpan.FromMinutes(2);
        }
    }

    [Fact]
    public async Task Each_analysis_answers_the_same_from_rollups_as_from_a_full_scan()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var rollups = KubetraceExporterConfig.AnalysisRollups();
        await using var rolled = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Rollups = rollups, RollupInterval = TimeSpan.FromHours(1), CompactionTargetSpans = 0,
        });
        await using var plain = new TempStore(dir => new StoreOptions { Directory = dir, CompactionTargetSpans = 0 });
        await LoadAsync(rolled.Store);
        await LoadAsync(plain.Store);
        RollupTraffic.SettleEveryBlock(clock);
        await rolled.Store.BuildRollupsAsync(CancellationToken.None);
        Assert.Equal(0, rolled.Store.GetStats().RollupsPending);

        // A rate makes every row's sample scaled: the tallies behind the estimates must merge exactly too.
        var rates = Kubetrace.Analysis.Sampling.SamplingRates.Unknown.With(["250000"]);
        var ranges = new[] { TimeRange.All, new TimeRange(TimeRange.ToNanos(Start.AddMinutes(5)), TimeRange.ToNanos(Start.AddMinutes(15))) };
        foreach (var analysis in AnalysisCatalog.All.Where(a => a.Rollup is not null))
        foreach (var range in ranges)
        {
            var expected = await analysis.RunAsync(new AnalysisRequest(new QueryEngine(plain.Store), range, new Dictionary<string, string>()) { Sampling = rates }, CancellationToken.None);
            var actual = await analysis.RunAsync(new AnalysisRequest(new QueryEngine(rolled.Store), range, new Dictionary<string, string>()) { Sampling = rates }, CancellationToken.None);
            Assert.True(expected.Table.Rows.Count > 0, $"{analysis.Name}: the simulated traffic gives it rows");
            Assert.Equal(Text(expected.Table), Text(actual.Table));
        }
    }

    /// <summary>The rows, and what each rests on (traces, sampled, estimates, bounds) and the answer's sampling summary.</summary>
    private static string Text(AnalysisTable table) => string.Join("\n", table.Rows.Select(row => string.Join(" | ", row))) + "\n" +
        System.Text.Json.JsonSerializer.Serialize(new { table.Samples, table.Sampling }, AnalysisJson.Options);
}
