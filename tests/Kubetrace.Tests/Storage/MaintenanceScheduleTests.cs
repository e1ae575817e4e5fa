using Kubetrace.Storage;
using Kubetrace.Tests.Storage.Rollups;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The store's background maintenance runs on its clock (<see cref="StoreOptions.Clock"/>): retention, compaction
/// and rollups each once their own interval has passed, never before. The tests move a manual clock through the
/// schedule and wait only for the outcome of each pass.
/// </summary>
public class MaintenanceScheduleTests
{
    private static readonly TimeSpan Rarely = TimeSpan.FromDays(1);

    private static async Task AddBlock(TempStore temp, int trace, long startMs)
    {
        await temp.AppendAsync(Request(Resource("apiserver", Span(trace, 1, 0, "GET /api/v1/pods", startMs, 10))));
        await temp.Store.FlushHeadAsync();
    }

    private static async Task<bool> Has(TempStore temp, int trace) =>
        await temp.Store.GetTraceAsync(new TraceId((UInt128)trace), CancellationToken.None) is not null;

    [Fact]
    public async Task A_retention_pass_deletes_the_expired_block_once_the_clock_passes_the_retention_interval()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromHours(1);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Retention = TimeSpan.FromHours(72), RetentionInterval = interval,
            CompactionInterval = Rarely, RollupInterval = Rarely,
        });
        await AddBlock(temp, 1, startMs: -(long)TimeSpan.FromHours(100).TotalMilliseconds); // past retention
        await AddBlock(temp, 2, startMs: 0);
        await Wait.UntilAsync(() => clock.TimersAsked.Count == 1, "the maintenance loop waits for its first pass");

        clock.Advance(interval - TimeSpan.FromSeconds(1));
        Assert.Equal(2, temp.Store.GetStats().Blocks);

        clock.Advance(TimeSpan.FromSeconds(1));
        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the retention pass deleted the expired block");
        Assert.False(await Has(temp, 1));
        Assert.True(await Has(temp, 2));

        // The next pass is one interval after this one.
        await Wait.UntilAsync(() => clock.TimersAsked.Count == 2, "the maintenance loop waits for its next pass");
        Assert.Equal([interval, interval], clock.TimersAsked);
    }

    [Fact]
    public async Task Compaction_and_rollups_each_run_once_the_clock_passes_their_own_interval()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var compaction = TimeSpan.FromMinutes(10);
        var rollups = TimeSpan.FromMinutes(30);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Clock = clock, Retention = TimeSpan.Zero, RetentionInterval = Rarely,
            CompactionTargetSpans = 10_000, CompactionInterval = compaction,
            Rollups = [new SpansPerServiceRollup()], RollupInterval = rollups,
        });
        for (var block = 1; block <= 3; block++) await AddBlock(temp, block, startMs: block * 100);
        await Wait.UntilAsync(() => clock.TimersAsked.Count == 1, "the maintenance loop waits for its first pass");
        Assert.Equal([compaction], clock.TimersAsked);

        clock.Advance(compaction);
        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the compaction pass merged the three blocks");
        Assert.Equal((0, 1), (temp.Store.GetStats().RollupsBuilt, temp.Store.GetStats().RollupsPending)); // not due yet

        clock.Advance(rollups - compaction);
        await Wait.UntilAsync(() => temp.Store.GetStats().RollupsBuilt == 1, "the rollup pass rolled up the merged block");
        Assert.Equal(3, temp.Store.GetStats().Spans);
    }
}
