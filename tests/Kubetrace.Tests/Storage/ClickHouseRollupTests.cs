using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Storage.Rollups;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The rollups on ClickHouse (per minute of trace start): a rolled-up scan hands over the stored states of the
/// minutes inside its range and scans only the other traces, and counts every trace a full scan delivers exactly
/// once — on one server and across two shards. Traces start 20 s apart an hour ago; each has a root, a child in
/// another service, and every fifth a span starting before its root (clock skew) that arrives last.
/// </summary>
public abstract class ClickHouseRollupSuite(StoreBackend backend) : IAsyncLifetime
{
    private const int Traces = 30;
    private const long HourAgoMs = -3_600_000;
    private static readonly SnapshotRollup Snapshot = new("test-snapshot-1", "k8s.namespace.name");
    private readonly ClickHouseTempStore _temp = new((backend == StoreBackend.ClickHouse ? ClickHouseTestServer.NewOptions() : ClickHouseTestServer.NewClusterOptions())
        with { Rollups = [Snapshot], RollupSettle = TimeSpan.Zero, RollupInterval = TimeSpan.Zero, ArrivalMargin = TimeSpan.Zero });

    private ClickHouseTraceStore Store => (ClickHouseTraceStore)_temp.Store;

    private static long At(int trace, long offsetMs) => HourAgoMs + trace * 20_000 + offsetMs;

    public async Task InitializeAsync()
    {
        for (var t = 1; t <= Traces; t++)
            await _temp.AppendAsync(Request(
                Resource("etcd", Span(t, 2, 1, "etcdserverpb.KV/Range", At(t, 10), 100, ("k8s.namespace.name", $"team-{t % 3}"))),
                Resource("apiserver", Span(t, 1, 0, "GET /api/v1/pods", At(t, 0), 500))));
        for (var t = 1; t <= Traces; t += 5)
            await _temp.AppendAsync(Request(Resource("kubelet", Span(t, 3, 1, "skewed", At(t, -100), 50))));
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [RequiresClickHouseFact]
    public async Task Every_settled_minute_is_read_as_its_stored_state_and_only_the_traces_at_a_ranges_edges_are_scanned()
    {
        Assert.Equal(0, (await RolledUpScan.AssertSameAsFullScanAsync(Store, TimeRange.All, Snapshot)).Payloads); // nothing built yet

        var minutes = await Store.BuildRollupsAsync(CancellationToken.None);

        Assert.InRange(minutes, 10, 12); // 30 traces 20 s apart, not aligned to the minute
        var all = await RolledUpScan.AssertSameAsFullScanAsync(Store, TimeRange.All, Snapshot);
        Assert.Equal((minutes, 0, Traces), (all.Payloads, all.Visited, all.Traces.Count));
        var cut = await RolledUpScan.AssertSameAsFullScanAsync(Store, new TimeRange(StartNanos(At(4, 30)), StartNanos(At(23, 30))), Snapshot);
        Assert.True(cut.Payloads >= 4 && cut.Visited is > 0 and < 10, $"{cut.Payloads} minutes merged, {cut.Visited} traces scanned");
        Assert.Equal(0, await Store.BuildRollupsAsync(CancellationToken.None)); // built once
        await using var plain = await ClickHouseTraceStore.OpenAsync(_temp.Options with { Rollups = [] });
        var scanned = await RolledUpScan.AssertSameAsFullScanAsync(plain, TimeRange.All, Snapshot);
        Assert.Equal((0, Traces), (scanned.Payloads, scanned.Visited)); // a store keeping no such rollup scans every trace
    }

    [RequiresClickHouseFact]
    public async Task A_trace_starting_in_a_rolled_up_minute_later_is_scanned_and_counted_once()
    {
        await Store.BuildRollupsAsync(CancellationToken.None);
        await _temp.AppendAsync(Request(Resource("apiserver", Span(Traces + 1, 1, 0, "GET /api/v1/nodes", At(7, 5), 20))));

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(Store, TimeRange.All, Snapshot);

        Assert.Equal(1, scan.Visited);
    }

    [RequiresClickHouseFact]
    public async Task The_rest_beside_merged_minutes_is_read_from_their_guests_and_the_spans_of_the_ranges_edge_minutes_only()
    {
        // A watch-like trace owned by a minute before the range, with spans in two minutes inside it: their guest.
        await _temp.AppendAsync(Request(
            Resource("apiserver", Span(LongTrace, 1, 0, "WATCH /api/v1/pods", At(2, 0), 400_000)),
            Resource("etcd", Span(LongTrace, 2, 1, "etcdserverpb.Watch/Watch", At(12, 0), 10), Span(LongTrace, 3, 1, "etcdserverpb.Watch/Watch", At(20, 0), 10))));
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var logged = await ClickHouseTraceStore.OpenAsync(_temp.Options, TestSettings.Capturing(log));
        var range = new TimeRange(StartNanos(At(4, 30)), StartNanos(At(23, 30)));
        await BuildAfterEveryArrivalAsync();

        var cut = await RolledUpScan.AssertSameAsFullScanAsync(logged, range, Snapshot);

        Assert.Contains(LongTrace, Visited(cut));
        Assert.Contains(log, line => line.Contains($"the spans of the minutes {Minute(range.StartUnixNano)}, {Minute(range.EndUnixNano - 1)}", StringComparison.Ordinal));

        // A span arriving after its minute's build: that minute is read from its spans again, the trace counted.
        var late = At(12, 5_000);
        await _temp.AppendAsync(Request(Resource("kubelet", Span(LongTrace + 1, 1, 0, "late", late, 10))));
        log.Clear();
        cut = await RolledUpScan.AssertSameAsFullScanAsync(logged, range, Snapshot);
        Assert.Contains(LongTrace + 1, Visited(cut));
        Assert.Contains(log, line => line.Contains($"the spans of the minutes {Minute(range.StartUnixNano)}, {Minute(StartNanos(late))}, {Minute(range.EndUnixNano - 1)}", StringComparison.Ordinal));
    }

    private const int LongTrace = 1000;

    /// <summary>Builds the minutes once the server's clock has passed every arrival, so that each minute's guests stand for its spans.</summary>
    private async Task BuildAfterEveryArrivalAsync()
    {
        using var http = new ClickHouseHttp(_temp.Options);
        async Task<ulong> ScalarAsync(string sql) => ulong.Parse((await http.QueryLinesAsync(sql, CancellationToken.None))[0], System.Globalization.CultureInfo.InvariantCulture);
        var lastArrival = await ScalarAsync($"SELECT toUInt32(maxMerge(last_arrival)) FROM {ClickHouseSchema.SpanArrivals}");
        await Wait.UntilAsync(async () => await ScalarAsync("SELECT toUInt32(now())") > lastArrival, "the server's clock passing the last arrival");
        Assert.True(await Store.BuildRollupsAsync(CancellationToken.None) > 0);
    }

    private static IEnumerable<int> Visited(RolledUpScan scan) => scan.VisitedTraces.Select(id => Convert.ToInt32(id, 16));

    private static string Minute(long unixNanos) =>
        DateTimeOffset.FromUnixTimeSeconds(unixNanos / 60_000_000_000 * 60).ToString("yyyy-MM-ddTHH:mm'Z'", System.Globalization.CultureInfo.InvariantCulture);

    [RequiresClickHouseFact]
    public async Task Two_instances_rolling_up_the_same_minutes_count_each_trace_once()
    {
        await using var other = await ClickHouseTraceStore.OpenAsync(_temp.Options);

        await Task.WhenAll(Store.BuildRollupsAsync(CancellationToken.None), other.BuildRollupsAsync(CancellationToken.None));

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(other, TimeRange.All, Snapshot);
        Assert.Equal(0, scan.Visited);
    }
}

public sealed class ClickHouseRollupTests() : ClickHouseRollupSuite(StoreBackend.ClickHouse);

public sealed class ClickHouseRollupOnShardsTests() : ClickHouseRollupSuite(StoreBackend.ClickHouseShards);
