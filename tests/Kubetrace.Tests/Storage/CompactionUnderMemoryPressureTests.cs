using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Compaction reads whole blocks into memory, and the memory limiter cannot refuse it: while the process is short of
/// memory (the limiter refuses data) it waits, and merges the blocks once the pressure is gone.
/// </summary>
public class CompactionUnderMemoryPressureTests
{
    [Fact]
    public async Task Blocks_are_not_merged_while_memory_is_short_and_are_merged_once_it_is_not()
    {
        var underPressure = true;
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, Rollups = [], CompactionTargetSpans = 10_000,
            CompactionInterval = TimeSpan.FromMilliseconds(100), UnderMemoryPressure = () => underPressure,
        });
        for (var block = 1; block <= 3; block++)
        {
            await temp.AppendAsync(Request(Resource("apiserver", Span(block, 1, 0, "GET /api/v1/pods", block * 100, 10))));
            await temp.Store.FlushHeadAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(1)); // ten compaction intervals
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
        await Task.Delay(TimeSpan.FromSeconds(1)); // ten rollup intervals: at most about ten more questions
        var during = Volatile.Read(ref asked) - first;

        Assert.True(during <= 20, $"the loop asked {during:N0} times in one second: it spins while memory is short");
    }
}
