using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary><c>stats.traces</c> counts each trace once, wherever its spans lie, live as after a restart.</summary>
public sealed class TraceCountTests
{
    [Fact]
    public async Task A_trace_spread_over_blocks_and_the_head_counts_once()
    {
        await using var temp = new TempStore();
        for (var t = 1; t <= 3; t++) await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "root"))));
        await temp.Store.FlushHeadAsync();                                                          // block 1: traces 1-3
        for (var t = 2; t <= 4; t++) await temp.AppendAsync(Request(Resource("etcd", Span(t, 2, 1, "child"))));
        await temp.Store.FlushHeadAsync();                                                          // block 2: traces 2-4
        for (var t = 3; t <= 5; t++) await temp.AppendAsync(Request(Resource("kubelet", Span(t, 3, 1, "late"))));  // head: 3-5

        var live = temp.Store.GetStats().Traces;
        var afterRestart = (await temp.RestartAsync()).GetStats().Traces;

        Assert.Equal((5L, 5L), (live, afterRestart));
    }
}
