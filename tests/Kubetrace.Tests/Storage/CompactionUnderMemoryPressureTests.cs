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
    private static readonly TimeSpan Rarely = TimeSpan.FromDays(1);

    [Fact]
    public async Task Blocks_are_not_merged_while_memory_is_short_and_are_merged_once_it_is_not()
    {
        var underPressure = true;
        var asked = 0;
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Retention = TimeSpan.Zero, Rollups = [], CompactionTargetSpans = 10_000,
            CompactionInterval = TimeSpan.FromMinutes(1), RollupInterval = Rarely, RetentionInterval = Rarely,
            UnderMemoryPressure = () => { Interlocked.Increment(ref asked); return underPressure; },
        });
        for (var block = 1; block <= 3; block++)
        {
            await temp.AppendAsync(Request(Resource("apiserver", Span(block, 1, 0, "GET /api/v1/pods", block * 100, 10))));
            await temp.Store.FlushHeadAsync();
        }

        // Three compaction passes that find memory short.
        for (var pass = 1; pass <= 3; pass++) await clock.PassNextTimerAsync("a compaction pass");
        await Wait.UntilAsync(() => Volatile.Read(ref asked) == 3, "three compaction passes found memory short");
        Assert.Equal(3, temp.Store.GetStats().Blocks);

        underPressure = false;
        await clock.PassNextTimerAsync("a compaction pass");
        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the three blocks are merged once memory is no longer short");
        Assert.Equal(3, temp.Store.GetStats().Spans);
    }

    [Fact]
    public async Task While_memory_is_short_the_background_loop_waits_for_its_next_interval_instead_of_spinning()
    {
        // Rollups are due every 5 s of the store's clock; compaction and retention once a day. A loop that waits asks
        // once per rollup pass whether memory is short, then waits one interval again; one that spins (a rollup due
        // time left in the past while the pressure lasts) asks again at once, without waiting, and holds a core.
        var asked = 0;
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromSeconds(5);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Retention = TimeSpan.Zero, RollupInterval = interval,
            CompactionInterval = Rarely, RetentionInterval = Rarely,
            UnderMemoryPressure = () => { Interlocked.Increment(ref asked); return true; },
        });

        for (var pass = 1; pass <= 3; pass++)
        {
            await clock.PassNextTimerAsync("a rollup pass");
            await Wait.UntilAsync(() => clock.TimersAsked.Count == pass + 1, $"the loop waits again after rollup pass {pass}");
            Assert.Equal(pass, Volatile.Read(ref asked));
        }
        Assert.All(clock.TimersAsked, due => Assert.Equal(interval, due));
    }

    [Fact]
    public async Task A_merge_that_meets_memory_pressure_gives_up_and_leaves_its_blocks_for_a_later_pass()
    {
        // Memory turns short after the merge started (it starts only while memory is not short) and stays short.
        var shortOfMemory = false;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, Rollups = [], CompactionTargetSpans = 100_000,
            CompactionInterval = Rarely, CompactionPatience = TimeSpan.Zero, UnderMemoryPressure = () => shortOfMemory,
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
