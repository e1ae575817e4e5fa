using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// Which rollup counts a trace split between parts: the part holding its earliest span (usually its root, which
/// ends, and so arrives, last). Spans arriving after the owner was rolled up are not counted: the documented limit.
/// </summary>
public sealed class RollupOwnershipTests
{
    private static readonly SnapshotRollup Snapshot = new("test-snapshot-1", "k8s.namespace.name");

    private static TempStore NewStore(ManualClock clock) => new(dir => new StoreOptions
    {
        Directory = dir, Clock = clock, Rollups = [Snapshot], RollupInterval = TimeSpan.FromHours(1),
        RetentionInterval = TimeSpan.FromHours(1), CompactionInterval = TimeSpan.FromHours(1),
    });

    private static async Task SettleAndBuildAsync(TempStore temp, ManualClock clock)
    {
        RollupTraffic.SettleEveryBlock(clock);
        Assert.Equal(1, await temp.Store.BuildRollupsAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_block_leaves_a_trace_whose_root_is_still_in_the_head_so_spans_arriving_later_still_count()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = NewStore(clock);
        await temp.AppendAsync(Request(Resource("etcd", Span(1, 2, 1, "etcdserverpb.KV/Range", 10, 100))));
        await temp.AppendAsync(Request(Resource("apiserver", Span(2, 1, 0, "GET /api/v1/pods", 0, 20))));
        await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods", 0, 500))));
        await SettleAndBuildAsync(temp, clock);

        await temp.AppendAsync(Request(Resource("audit", Span(1, 3, 1, "late", 300, 10))));

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot);
        Assert.Equal((1, 1), (scan.Payloads, scan.Visited)); // trace 2 in the rollup, trace 1 scanned: all 3 spans
        Assert.Equal(3, scan.Traces[Kubetrace.Storage.TraceId.FromByteString(TraceId(1)).ToString()].Split('\n').Length);
    }

    [Fact]
    public async Task A_span_arriving_after_its_traces_owner_was_rolled_up_is_not_counted()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = NewStore(clock);
        await temp.AppendAsync(Request(
            Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods", 0, 500)),
            Resource("etcd", Span(1, 2, 1, "etcdserverpb.KV/Range", 10, 100))));
        await temp.Store.FlushHeadAsync();
        await SettleAndBuildAsync(temp, clock);

        await temp.AppendAsync(Request(Resource("audit", Span(1, 3, 1, "late", 300, 10))));

        var request = new SpanScanRequest(TimeRange.All, Snapshot.AttributeKeys);
        var full = await Scan.ScanSnapshot.TakeAsync(temp.Store, request);
        var merged = await RolledUpScan.TakeAsync(temp.Store, request, Snapshot);
        var id = Kubetrace.Storage.TraceId.FromByteString(TraceId(1)).ToString();
        Assert.Equal((1, 0), (merged.Payloads, merged.Visited)); // counted once, by the rollup, not again for its late span
        Assert.Contains("audit/late", full[id]);
        Assert.DoesNotContain("audit/late", merged.Traces[id]);
    }
}
