using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using static Kubetrace.Tests.Storage.Rollups.RollupTraffic;

namespace Kubetrace.Tests.Storage.Rollups;

/// <summary>
/// Rollups kept, deleted and rebuilt with their blocks: damaged, torn, foreign and stale sidecars, restarts,
/// retention, compaction, and a rollup that throws.
/// </summary>
public sealed class RollupLifecycleTests
{
    [Fact]
    public async Task A_damaged_rollup_is_ignored_the_block_scanned_and_the_rollup_rebuilt()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var blocks = temp.Store.GetStats().Blocks;
        var damaged = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.test-snapshot-1.rollup").Order(StringComparer.Ordinal).ElementAt(2);
        var bytes = await File.ReadAllBytesAsync(damaged);
        bytes[^3] ^= 0x5A; // in the payload
        await File.WriteAllBytesAsync(damaged, bytes);

        var scan = await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot);

        Assert.Equal(blocks - 1, scan.Payloads);
        Assert.False(File.Exists(damaged));
        Assert.Equal(1, temp.Store.GetStats().RollupsPending);
        Assert.Equal(1, await temp.Store.BuildRollupsAsync(CancellationToken.None));
        Assert.True(File.Exists(damaged));
        Assert.Equal(blocks, (await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot)).Payloads);
    }

    [Theory]
    [InlineData("torn")]
    [InlineData("header")]
    [InlineData("length")]
    [InlineData("other-block")]
    public async Task At_open_a_torn_damaged_or_foreign_rollup_is_deleted_and_rebuilt(string damage)
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var sidecars = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.test-snapshot-1.rollup").Order(StringComparer.Ordinal).ToArray();
        await temp.Store.DisposeAsync();
        var bytes = await File.ReadAllBytesAsync(sidecars[1]);
        switch (damage)
        {
            case "torn": await File.WriteAllBytesAsync(sidecars[1], bytes[..(bytes.Length / 2)]); break;
            case "header": bytes[10] ^= 0x01; await File.WriteAllBytesAsync(sidecars[1], bytes); break;
            case "length": bytes.AsSpan(4, 4).Fill(0xFF); await File.WriteAllBytesAsync(sidecars[1], bytes); break;
            default: File.Copy(sidecars[2], sidecars[1], overwrite: true); break; // valid, but of another block
        }

        var store = await temp.RestartAsync();

        Assert.False(File.Exists(sidecars[1]));
        Assert.Equal(1, store.GetStats().RollupsPending);
        await RolledUpScan.AssertSameAsFullScanAsync(store, TimeRange.All, Snapshot);
        Assert.Equal(1, await store.BuildRollupsAsync(CancellationToken.None));
        Assert.True(File.Exists(sidecars[1]));
        await RolledUpScan.AssertSameAsFullScanAsync(store, TimeRange.All, Snapshot);
    }

    [Fact]
    public async Task A_restart_keeps_the_rollups_and_deletes_those_without_a_block()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var before = Sidecars(temp);
        var orphan = Path.Combine(temp.Directory, "blocks", "000000009999.test-snapshot-1.rollup");
        File.Copy(Path.Combine(temp.Directory, "blocks", before[0]), orphan);

        var store = await temp.RestartAsync();

        Assert.Equal(before, Sidecars(temp));
        Assert.Equal(0, store.GetStats().RollupsPending);
        Assert.Equal(0, await store.BuildRollupsAsync(CancellationToken.None));
        Assert.Equal(store.GetStats().Blocks, (await RolledUpScan.AssertSameAsFullScanAsync(store, TimeRange.All, Snapshot)).Payloads);
    }

    [Fact]
    public async Task Sidecars_of_another_version_are_deleted_and_those_of_unregistered_rollups_kept()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var built = Sidecars(temp);
        await temp.Store.DisposeAsync();
        EmbeddedTraceStore Reopen(params Kubetrace.Storage.Rollups.IRollup[] rollups) => EmbeddedTraceStore.Open(new StoreOptions
        {
            Directory = temp.Directory, Clock = clock, RollupInterval = TimeSpan.FromHours(1), Rollups = rollups,
        });

        // Rollups off: nothing is built, nothing deleted.
        await using (var off = Reopen())
        {
            Assert.Equal(built, Sidecars(temp));
            Assert.Equal((0, 0), (off.GetStats().RollupsBuilt, off.GetStats().RollupsPending));
        }
        // The snapshot rollup in version 2: its version 1 sidecars go, the counting rollup's stay valid.
        await using var next = Reopen(new SnapshotRollup("test-snapshot-2", "k8s.namespace.name"), Counts);
        var blocks = next.GetStats().Blocks;
        Assert.Equal(built.Where(name => name.Contains(".test-spans-per-service-1.", StringComparison.Ordinal)), Sidecars(temp));
        Assert.Equal((blocks, blocks), (next.GetStats().RollupsBuilt, next.GetStats().RollupsPending));
        Assert.Equal(blocks, await next.BuildRollupsAsync(CancellationToken.None));
        Assert.Equal(blocks * 2, Sidecars(temp).Length);
    }

    private sealed class FailingRollup : Kubetrace.Storage.Rollups.IRollup
    {
        public string Id => "test-failing-1";
        public IReadOnlyList<string> AttributeKeys => [];
        public Kubetrace.Storage.Rollups.IRollupAccumulator CreateAccumulator() => new Accumulator();

        private sealed class Accumulator : Kubetrace.Storage.Rollups.IRollupAccumulator
        {
            public void Add(ScannedTrace trace) => throw new InvalidOperationException("a bug in an analysis");
            public byte[] ToBytes() => [];
        }
    }

    [Fact]
    public async Task A_rollup_that_throws_leaves_its_blocks_scanned_and_is_not_retried()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = NewStore(clock, options => new StoreOptions
        {
            Directory = options.Directory, Clock = options.Clock, RollupInterval = options.RollupInterval, Rollups = [new FailingRollup()],
        });
        await LoadAsync(temp);
        RollupTraffic.SettleEveryBlock(clock);

        Assert.Equal(0, await temp.Store.BuildRollupsAsync(CancellationToken.None));
        Assert.Equal(0, await temp.Store.BuildRollupsAsync(CancellationToken.None));

        Assert.Equal(temp.Store.GetStats().Blocks, temp.Store.GetStats().RollupsPending);
        Assert.Empty(Sidecars(temp));
        Assert.Equal(Traces, (await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot)).Visited);
    }

    [Fact]
    public async Task Retention_deletes_a_blocks_rollups_with_it_and_the_rest_still_merges_exactly()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var blocks = temp.Store.GetStats().Blocks;

        // 72 h after trace 30 began, the blocks that end before it are past retention.
        clock.Now = DateTimeOffset.FromUnixTimeMilliseconds(StartOf(30) / 1_000_000) + TimeSpan.FromHours(72);
        await temp.Store.EnforceRetentionAsync(CancellationToken.None);

        var left = temp.Store.GetStats();
        Assert.InRange(left.Blocks, 1, blocks - 2);
        Assert.Equal(left.Blocks * 2, Sidecars(temp).Length);
        Assert.Equal((left.Blocks * 2, 0), (left.RollupsBuilt, left.RollupsPending));
        // Traces whose owner block was deleted still have spans in later blocks: delivered as the full scan does.
        // A rollup built before retention still counts its owned traces' spans deleted with older blocks
        // (docs/storage.md, Rollups): those traces hold more spans than the full scan finds, never fewer.
        var request = new SpanScanRequest(TimeRange.All, Snapshot.AttributeKeys);
        var full = await Scan.ScanSnapshot.TakeAsync(temp.Store, request);
        var merged = await RolledUpScan.TakeAsync(temp.Store, request, Snapshot);
        Assert.Equal(full.Keys, merged.Traces.Keys);
        var differing = full.Keys.Where(id => full[id] != merged.Traces[id]).ToList();
        Assert.All(differing, id => Assert.Superset(full[id].Split('\n').ToHashSet(), merged.Traces[id].Split('\n').ToHashSet()));
        Assert.InRange(differing.Count, 0, 3);
    }

    [Fact]
    public async Task The_disk_budget_counts_the_rollups_beside_the_blocks()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock);
        var before = temp.Store.GetStats();
        Assert.True(before.RollupBytes > 0);
        await temp.Store.DisposeAsync();

        // Room for every block, but not for their rollups as well: the oldest blocks go until both fit.
        var budget = before.BlockBytes;
        var o = temp.Options;
        await using var limited = EmbeddedTraceStore.Open(new StoreOptions
        {
            Directory = o.Directory, Clock = o.Clock, RowGroupSpans = o.RowGroupSpans, CompactionTargetSpans = 0, Rollups = o.Rollups,
            RetentionInterval = o.RetentionInterval, CompactionInterval = o.CompactionInterval, RollupInterval = o.RollupInterval,
            MaxDiskBytes = budget,
        });
        await limited.EnforceRetentionAsync(CancellationToken.None);

        var after = limited.GetStats();
        Assert.InRange(after.Blocks, 1, before.Blocks - 1);
        Assert.True(after.BlockBytes + after.RollupBytes <= budget, $"{after.BlockBytes} + {after.RollupBytes} > {budget}");
        Assert.Equal(after.RollupsBuilt, Sidecars(temp).Length);
    }

    [Fact]
    public async Task Compaction_deletes_the_sources_rollups_and_the_merged_block_is_rolled_up_once_settled()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = await RolledUpStoreAsync(clock, options => new StoreOptions
        {
            Directory = options.Directory, Clock = options.Clock, RowGroupSpans = options.RowGroupSpans, Rollups = options.Rollups,
            RetentionInterval = options.RetentionInterval, CompactionInterval = options.CompactionInterval,
            RollupInterval = options.RollupInterval, CompactionTargetSpans = 100, // blocks of at most 50 spans merge in runs of up to 100
        });
        var before = temp.Store.GetStats().Blocks;
        clock.Now = DateTimeOffset.UtcNow;

        var merged = await temp.Store.CompactAsync(CancellationToken.None);

        var after = temp.Store.GetStats();
        Assert.True(merged >= 2, $"{merged} blocks merged");
        Assert.True(after.RollupsPending >= 2, "the merged blocks lack rollups");
        Assert.Equal(after.RollupsBuilt, Sidecars(temp).Length);
        await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot);
        Assert.Equal(0, await temp.Store.BuildRollupsAsync(CancellationToken.None)); // written just now: not settled

        RollupTraffic.SettleEveryBlock(clock);
        Assert.True(await temp.Store.BuildRollupsAsync(CancellationToken.None) >= 1);

        Assert.Equal(0, temp.Store.GetStats().RollupsPending);
        Assert.Equal(after.Blocks * 2, Sidecars(temp).Length);
        Assert.True(before > after.Blocks);
        Assert.Equal(after.Blocks, (await RolledUpScan.AssertSameAsFullScanAsync(temp.Store, TimeRange.All, Snapshot)).Payloads);
    }
}
