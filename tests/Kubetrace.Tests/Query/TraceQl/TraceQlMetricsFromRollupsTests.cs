using Google.Protobuf;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Pipeline;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.Storage.Rollups;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// TraceQL metrics answered from the per-block rollup (<see cref="SpanMetricsRollup"/>) equal the same queries
/// answered by scanning every span: Grafana's Traces Drilldown and Explore queries and others of the shape the
/// rollup serves, over ranges and whole-second steps that do and do not line up with blocks, minutes or the data.
/// The same store scanned (no rollups) gives the expected answer; a counter of rolled-up spans shows which path ran.
/// </summary>
public abstract class MetricsFromRollupsSuite
{
    /// <summary>Drilldown's (primary signals root / all / server / consumer, its rate, errors and duration panels,
    /// a group-by with its nil guard), Explore's, and other filters and by() the rollup answers.</summary>
    public static readonly string[] RolledUpQueries =
    [
        "{} | rate() by (resource.service.name)",
        "{status=error} | rate()",
        "{} | histogram_over_time(duration)",
        "{kind=server} | quantile_over_time(duration, .9)",
        "{nestedSetParent<0 && true} | rate() by (resource.service.name)",
        "{nestedSetParent<0 && true && status=error} | rate()",
        "{nestedSetParent<0 && true} | quantile_over_time(duration, 0.5, 0.9, 0.99)",
        "{nestedSetParent<0 && true} | histogram_over_time(duration) with(sample=true)",
        "{true && resource.service.name != nil} | rate() by(resource.service.name)",
        "{kind=consumer} | rate()",
        "{ status = ok } | count_over_time() by (name)",
        "{ name =~ \"GET.*\" || kind = client } | count_over_time() by (kind, status)",
        "{ nestedSetParent >= 0 && resource.service.name != \"etcd\" } | histogram_over_time(duration) by (resource.service.name)",
    ];

    /// <summary>Queries the rollup cannot answer exactly: they are scanned whatever the store keeps.</summary>
    public static readonly string[] ScannedQueries =
    [
        "{ duration > 10ms } | rate()",
        "{ nestedSetParent > 1 } | rate()",
        "{} | avg_over_time(duration) by (resource.service.name)",
        "{ span.http.method = \"GET\" } | rate()",
    ];

    protected static readonly DateTimeOffset Start = new(DateTimeOffset.UtcNow.AddHours(-2).Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, TimeSpan.Zero);

    protected const long Second = 1_000_000_000;

    protected static IEnumerable<Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest> Traffic() =>
        new ClusterSimulator(new SimulationOptions
        {
            RequestsPerSecond = 2, Duration = TimeSpan.FromMinutes(10), Start = Start, Seed = 13,
            Scenarios = SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow,
        }).Batches().Select(b => b.Request);

    /// <summary>(start, end, step) in nanoseconds: the whole traffic by the minute, a range off every boundary in
    /// Drilldown's step for it (range / 50 s) and in whole minutes (read from minute cells), Tempo's 15 s default
    /// for an hour, and an instant query (step 0).</summary>
    protected static IEnumerable<(long Start, long End, long Step)> Ranges()
    {
        var start = TimeRange.ToNanos(Start);
        yield return (start - 60 * Second, start + 11 * 60 * Second, 60 * Second);
        var off = (start + 37 * Second + 123_456_789, start + 8 * 60 * Second + 500_000_000);
        yield return (off.Item1, off.Item2, (off.Item2 - off.Item1) / 50 / Second * Second);
        yield return (off.Item1, off.Item2, 120 * Second);
        yield return (start + 2 * 60 * Second, start + 9 * 60 * Second, 15 * Second);
        yield return (start - 60 * Second, start + 11 * 60 * Second, 0);
    }

    /// <summary>Scanning every span of a loaded machine may take long: the timeout is not what is tested here.</summary>
    private static readonly Kubetrace.Query.Budget.QueryLimits Unhurried = new() { QueryTimeout = TimeSpan.FromMinutes(30) };

    protected static async Task<MetricsResult> Run(ITraceStore store, string query, (long Start, long End, long Step) range) =>
        await new MetricsEngine(store, Unhurried).QueryAsync(
            new MetricsRequest(Parser.Parse(query), range.Start, range.End, range.Step, Instant: range.Step == 0), CancellationToken.None);

    /// <summary>Labels and values of every series, in a stable order (NaN as NaN).</summary>
    protected static string Text(MetricsResult result) => string.Join("\n", result.Series.Select(s => s.Key + " = " + string.Join(" ", s.Values.Select(v => v.ToString("R"))))
        .Order(StringComparer.Ordinal));

    protected static async Task AssertRolledUpEqualsScanned(ITraceStore rolled, ITraceStore scanned, int queries = int.MaxValue)
    {
        foreach (var range in Ranges())
        {
            foreach (var query in RolledUpQueries.Take(queries))
            {
                var expected = await Run(scanned, query, range);
                var actual = await Run(rolled, query, range);
                Assert.True(expected.Series.Count > 0 || query.Contains("consumer"), $"{query}: the traffic gives it series");
                Assert.Equal(0, expected.Cost.RolledUpSpans);
                Assert.True(actual.Cost.RolledUpSpans > 0, $"{query} over {range}: answered from rollups");
                Assert.True(actual.Cost.InspectedSpans < expected.Cost.InspectedSpans, $"{query}: {actual.Cost.InspectedSpans} spans read from rollups' store, {expected.Cost.InspectedSpans} scanning");
                Assert.Equal(Text(expected), Text(actual));
                if (range.Step != 0 && expected.Series.Any(s => s.Exemplars.Count > 0))
                    Assert.Contains(actual.Series, s => s.Exemplars.Count > 0);
                Assert.All(actual.Series.SelectMany(s => s.Exemplars), exemplar => Assert.False(double.IsNaN(exemplar.Value)));
            }
            foreach (var query in ScannedQueries.Take(queries))
            {
                var actual = await Run(rolled, query, range);
                Assert.Equal(0, actual.Cost.RolledUpSpans);
                Assert.Equal(Text(await Run(scanned, query, range)), Text(actual));
            }
        }
        // A step that is not whole seconds cannot use second cells: scanned.
        var odd = await Run(rolled, "{} | rate()", (TimeRange.ToNanos(Start), TimeRange.ToNanos(Start) + 60 * Second, 1_500_000_000));
        Assert.Equal(0, odd.Cost.RolledUpSpans);
    }
}

public sealed class TraceQlMetricsFromRollupsTests : MetricsFromRollupsSuite
{
    [Fact]
    public async Task Metrics_from_rollups_equal_metrics_from_scanning_every_span()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var rolled = RolledUpStore(clock);
        await using var scanned = new TempStore(dir => new StoreOptions { Directory = dir, CompactionTargetSpans = 0, Retention = TimeSpan.Zero });
        await LoadCuttingEveryTwoMinutes(rolled.Store);
        await LoadCuttingEveryTwoMinutes(scanned.Store);
        RollupTraffic.SettleEveryBlock(clock);
        Assert.True(await rolled.Store.BuildRollupsAsync(CancellationToken.None) >= 4);

        await AssertRolledUpEqualsScanned(rolled.Store, scanned.Store);
    }

    /// <summary>A store that rolls up blocks settled by <paramref name="clock"/> when told to (tests call BuildRollupsAsync).</summary>
    private static TempStore RolledUpStore(ManualClock clock) => new(dir => new StoreOptions
    {
        Directory = dir, Clock = clock, Rollups = [SpanMetricsRollup.Instance], RollupInterval = TimeSpan.FromHours(1), CompactionTargetSpans = 0,
        Retention = TimeSpan.Zero,
    });

    /// <summary>The traffic with the head cut every two minutes of it: traces straddle blocks and the head.</summary>
    private static async Task LoadCuttingEveryTwoMinutes(EmbeddedTraceStore store)
    {
        var nextCut = Start + TimeSpan.FromMinutes(2);
        foreach (var request in Traffic())
        {
            await store.AppendAsync(TraceBatch.FromEncoded(request.ToByteArray(), TraceBatch.CountSpans(request)), CancellationToken.None);
            var latest = request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).Max(s => s.StartTimeUnixNano);
            if ((long)latest / 1_000_000 < nextCut.ToUnixTimeMilliseconds()) continue;
            await store.FlushHeadAsync();
            nextCut += TimeSpan.FromMinutes(2);
        }
    }

    [Fact]
    public async Task An_instant_query_ending_inside_a_second_counts_the_rolled_up_spans_of_that_second()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var store = RolledUpStore(clock);
        var second = ((long)Spans.BaseTime / Second + 1) * Second;
        var secondMs = (second - (long)Spans.BaseTime) / 1_000_000;
        await store.AppendAsync(Spans.Request(new[] { Spans.Span(1, 1, 0, "root", secondMs + 200), Spans.Span(1, 2, 1, "child", secondMs + 700) }));
        await store.Store.FlushHeadAsync();
        RollupTraffic.SettleEveryBlock(clock);
        Assert.Equal(1, await store.Store.BuildRollupsAsync(CancellationToken.None));

        var result = await Run(store.Store, "{ } | count_over_time()", (second, second + 800_000_000, 0));

        Assert.Equal(2, result.Cost.RolledUpSpans);
        Assert.Equal(2, Assert.Single(result.Series).Values[0]);
    }

    [Fact]
    public async Task Status_ok_is_told_from_unset_when_metrics_run_on_the_span_scan()
    {
        await using var store = new TempStore();
        var sent = new List<Kubetrace.Otlp.Proto.Trace.Span>();
        foreach (var request in Traffic())
        {
            await store.AppendAsync(request);
            sent.AddRange(request.ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans));
        }
        var ok = sent.Count(s => s.Status?.Code == Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode.Ok);
        Assert.True(ok > 0, "the traffic has spans with status ok");

        var result = await Run(store.Store, "{ status = ok } | count_over_time()", (TimeRange.ToNanos(Start) - 60 * Second, TimeRange.ToNanos(Start) + 11 * 60 * Second, 0));

        Assert.Equal(ok, Assert.Single(result.Series).Values[0]);
    }
}

public sealed class TraceQlMetricsFromClickHouseRollupsTests : MetricsFromRollupsSuite
{
    [RequiresClickHouseFact]
    public async Task Metrics_from_ClickHouse_rollups_equal_metrics_from_scanning_every_span()
    {
        await using var temp = new ClickHouseTempStore(ClickHouseTestServer.NewOptions()
            with { Rollups = [SpanMetricsRollup.Instance], RollupSettle = TimeSpan.Zero, RollupInterval = TimeSpan.Zero });
        foreach (var request in Traffic()) await temp.AppendAsync(request);
        var store = (ClickHouseTraceStore)temp.Store;
        Assert.True(await store.BuildRollupsAsync(CancellationToken.None) >= 10);
        await using var scanned = await ClickHouseTraceStore.OpenAsync(temp.Options with { Rollups = [] });

        await AssertRolledUpEqualsScanned(store, scanned, queries: 8); // Drilldown's and Explore's; every query on the embedded store
    }
}
