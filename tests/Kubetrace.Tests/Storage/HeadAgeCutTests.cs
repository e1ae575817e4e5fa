using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>The head is cut into a block when it is older than <c>max_head_age</c>, measured by the store's clock.</summary>
public class HeadAgeCutTests
{
    [Fact]
    public async Task A_head_older_than_max_head_age_by_the_store_clock_becomes_a_block()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, Clock = clock, MaxHeadAge = TimeSpan.FromMinutes(5), MaxHeadSpans = 1_000_000,
        });
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "root", 0, 10))));
        clock.Advance(TimeSpan.FromMinutes(4));
        await temp.AppendAsync(Request(Resource("apiserver", Span(2, 1, 0, "root", 0, 10))));
        Assert.Equal(0, temp.Store.GetStats().Blocks);

        clock.Advance(TimeSpan.FromMinutes(2)); // six minutes after the head started: the next wake of the loop cuts it

        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the six-minute-old head is written as a block");
        Assert.Equal(2, temp.Store.GetStats().BlockSpans);
    }
}
