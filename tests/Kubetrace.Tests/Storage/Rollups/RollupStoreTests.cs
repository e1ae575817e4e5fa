using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Tests.Storage.Rollups.RollupTraffic;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// Per-block rollups in the embedded store: built only once a block has settled, then merged with a scan of the
/// rest so that every trace counts exactly once and whole, whatever the range.
/// </summary>
public sealed class RollupStoreTests
{
    [Fact]
    public async Task Before_its_block_settles_no_rollup_exists_and_every_trace_reaches_the_visitor()
    {
        await using var temp = NewStore(new ManualClock(DateTimeOffset.UtcNow));
        await LoadAsync(temp);

        Assert.Equal(0, await temp.Store.BuildRollupsAsync(CancellationToken.None));
        var stats = temp.Store.GetStats();
        Assert.Equal((0, stats.Blocks * 2), (stats.RollupsBuilt, stats.RollupsPending));
        var scan = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot);
        Assert.Equal((0, Traces), (scan.Payloads, scan.Visited));
        Assert.Empty(Sidecars(temp));
    }

    [Fact]
    public async Task Once_settled_every_block_is_rolled_up_and_the_merged_scan_counts_each_trace_once_and_whole()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);

        var stats = temp.Store.GetStats();
        Assert.True(stats.Blocks >= 7, $"{stats.Blocks} blocks");
        Assert.Equal((stats.Blocks * 2, 0), (stats.RollupsBuilt, stats.RollupsPending));
        Assert.True(stats.RollupBytes > 0);
        Assert.Equal(stats.Blocks * 2, Sidecars(temp).Length);

        var whole = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot);
        Assert.Equal(Traces, whole.Traces.Count);
        Assert.Equal(stats.Blocks, whole.Payloads);
        // Only the traces owned by the head (those whose earliest span is there) reach the visitor.
        Assert.InRange(whole.Visited, 1, 10);
    }

    [Theory]
    [InlineData(10, 40, 0)]   // many blocks inside, blocks at both edges scanned
    [InlineData(20, 22, 0)]   // inside one block or two: most scanned
    [InlineData(14, 28, 30)]  // ends inside trace 28: its root is in, its children start after the end
    [InlineData(3, 59, 5)]    // the clock-skewed spans (start before their roots) at the edges
    [InlineData(0, 70, 0)]    // everything, as a bounded range
    public async Task For_a_range_covering_some_blocks_the_merged_scan_equals_the_full_scan(int first, int end, long endOffsetMs)
    {
        await using var temp = await RolledUpStoreAsync(new ManualClock(DateTimeOffset.UtcNow));

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, Between(first, end, endOffsetMs), Snapshot);

        Assert.NotEmpty(scan.Traces);
        // A block is rolled up for a range when all its owned traces lie in it: here, one spanning four head cuts.
        if (end - first >= 28) Assert.True(scan.Payloads > 0, "a range over four cuts holds a whole rolled-up block");
    }

    [Fact]
    public async Task A_rollup_with_other_keys_built_in_the_same_pass_merges_to_the_full_scan_counts()
    {
        await using var temp = await RolledUpStoreAsync(new ManualClock(DateTimeOffset.UtcNow));

        foreach (var range in new[] { TimeRange.All, Between(10, 40) })
        {
            var request = new SpanScanRequest(range, Counts.AttributeKeys);
            var expected = new Dictionary<string, long>();
            await temp.Store.ScanAsync(request, trace => SpansPerServiceRollup.Count(trace, expected), CancellationToken.None);
            var merged = new Dictionary<string, long>();
            await temp.Store.ScanRolledUpAsync(request, Counts, trace => SpansPerServiceRollup.Count(trace, merged),
                payload =>
                {
                    foreach (var (key, count) in SpansPerServiceRollup.Read(payload)) merged[key] = merged.GetValueOrDefault(key) + count;
                }, CancellationToken.None);

            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), merged.OrderBy(e => e.Key, StringComparer.Ordinal));
        }
        Assert.Contains("etcd|-|team-1", (await FullCountsAsync(temp.Store)).Keys);
    }

    private static async Task<Dictionary<string, long>> FullCountsAsync(ITraceStore store)
    {
        var counts = new Dictionary<string, long>();
        await store.ScanAsync(new SpanScanRequest(TimeRange.All, Counts.AttributeKeys), trace => SpansPerServiceRollup.Count(trace, counts), CancellationToken.None);
        return counts;
    }

    [Fact]
    public async Task A_rollup_that_is_not_registered_is_never_merged()
    {
        await using var temp = await RolledUpStoreAsync(new ManualClock(DateTimeOffset.UtcNow));

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, new SnapshotRollup("test-snapshot-2", "k8s.namespace.name"));

        Assert.Equal((0, Traces), (scan.Payloads, scan.Visited));
    }
}
