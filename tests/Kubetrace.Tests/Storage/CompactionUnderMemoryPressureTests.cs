using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Compaction allocates, and the memory limiter cannot refuse it: while the process is short of memory (the limiter
/// refuses data) it waits, and merges the blocks once the pressure is gone; a merge that memory pressure meets midway
/// gives up (after a patience) and leaves its blocks for a later pass.
/// </summary>
public class CompactionUnderMemoryPressureTests
{
    [Fact]
    public async Task Blocks_are_not_merged_while_memory_is_short_and_are_merged_once_it_is_not()
    {
        var underPressure = true;
        var asked = 0;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, Rollups = [], CompactionTargetSpans = 10_000,
            CompactionInterval = TimeSpan.FromMilliseconds(100),
            UnderMemoryPressure = () => { Interlocked.Increment(ref asked); return underPressure; },
        });
        for (var block = 1; block <= 3; block++)
        {
            await temp.AppendAsync(Request(Resource("apiserver", Span(block, 1, 0, "GET /api/v1/pods", block * 100, 10))));
            await temp.Store.FlushHeadAsync();
        }

        // Compaction passes (every 100 ms; the rollups' 5 s interval is later) that find memory short.
        var flushed = Volatile.Read(ref asked);
        await Wait.UntilAsync(() => Volatile.Read(ref asked) >= flushed + 3, "three compaction passes found memory short");
        Assert.Equal(3, temp.Store.GetStats().Blocks);

        underPressure = false;
        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the three blocks are merged once memory is no longer short");
        Assert.Equal(3, temp.Store.GetStats().Spans);
    }

    [Fact]
    public async Task While_memory_is_short_the_background_loop_waits_for_its_next_interval_instead_of_spinning()
    {
        // Counts how often the loop asks whether memory is short. Rollups are due every 100 ms; compaction and
        // retention once an hour. A loop that waits asks about once per rollup interval; one that spins (a rollup due
        // time left in the past while the pressure lasts) asks millions of times a second and holds a core.
        var asked = 0;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, RollupInterval = TimeSpan.FromMilliseconds(100),
            CompactionInterval = TimeSpan.FromHours(1), RetentionInterval = TimeSpan.FromHours(1),
            UnderMemoryPressure = () => { Interlocked.Increment(ref asked); return true; },
        });
        await Wait.UntilAsync(() => Volatile.Read(ref asked) > 0, "the background loop asks about memory for its first rollup pass");

        var first = Volatile.Read(ref asked);
        await Task.Delay(TimeSpan.FromSeconds(1)); // not a wait: ten rollup intervals, at most about ten more questions (fewer on a slow machine)
        var during = Volatile.Read(ref asked) - first;

        Assert.True(during <= 20, $"the loop asked {during:N0} times in one second: it spins while memory is short");
    }

    [Fact]
    public async Task A_merge_that_meets_memory_pressure_gives_up_and_leaves_its_blocks_for_a_later_pass()
    {
        // Memory turns short after the merge started (it starts only while memory is not short) and stays short.
        var shortOfMemory = false;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, Rollups = [], CompactionTargetSpans = 100_000,
            CompactionInterval = TimeSpan.FromHours(1), CompactionPatience = TimeSpan.Zero, UnderMemoryPressure = () => shortOfMemory,
        });
        for (var block = 0; block < 3; block++)
        {
            var traces = Enumerable.Range(1 + block * 100, 100).Select(t => Span(t, 1, 0, "GET /api/v1/pods", t, 10));
            await temp.AppendAsync(Request(Resource("apiserver", [.. traces])));
            await temp.Store.FlushHeadAsync();
        }

        shortOfMemory = true;
        Assert.Equal(0, await temp.Store.CompactAsync(CancellationToken.None));
        Assert.Equal((3, 300L), (temp.Store.GetStats().Blocks, temp.Store.GetStats().Spans));
        Assert.Empty(Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.tmp"));

        shortOfMemory = false;
        Assert.Equal(3, await temp.Store.CompactAsync(CancellationToken.None));
        Assert.Equal((1, 300L), (temp.Store.GetStats().Blocks, temp.Store.GetStats().Spans));
        Assert.NotNull(await temp.Store.GetTraceAsync(new TraceId(250), CancellationToken.None));
    }
}
