using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// <c>with(most_recent=true)</c> returns the traces that started last, as Tempo's most-recent combiner keeps them
/// (pkg/traceql/combine.go): ranked by the trace's start even when a late span of an older trace sits in newer data.
/// </summary>
public sealed class TraceQlMostRecentTests : IAsyncLifetime
{
    private readonly TempStore _temp = new();

    public async Task InitializeAsync()
    {
        // Trace 1 starts first (block 1) but its last span arrives late (the head); trace 2 starts between (block 2).
        await _temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods", startMs: 100, durationMs: 900))));
        await _temp.Store.FlushHeadAsync();
        await _temp.AppendAsync(Request(Resource("apiserver", Span(2, 1, 0, "GET /api/v1/nodes", startMs: 500))));
        await _temp.Store.FlushHeadAsync();
        await _temp.AppendAsync(Request(Resource("etcd", Span(1, 2, 1, "etcdserverpb.KV/Range", startMs: 900))));
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<int[]> SearchAsync(string query, int limit) =>
        (await new TraceQlSearch(_temp.Store).SearchAsync(new TraceQlSearchRequest(Parser.Parse(query), TimeRange.All, limit), CancellationToken.None))
        .Traces.Select(t => (int)t.Summary.TraceId.Value).ToArray();

    [Fact]
    public async Task The_latest_starting_traces_come_first_and_a_late_span_does_not_make_an_old_trace_recent()
    {
        Assert.Equal(new[] { 2 }, await SearchAsync("{ } with(most_recent=true)", 1));
        Assert.Equal(new[] { 2, 1 }, await SearchAsync("{ } with(most_recent=true)", 2));
        Assert.Equal(new[] { 2 }, await SearchAsync("{ resource.service.name = \"apiserver\" } with(most_recent=true)", 1));
    }

    [Fact]
    public async Task Storage_ranks_by_trace_start_when_asked_for_the_most_recent()
    {
        var fetched = await _temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [], Limit: 1) { MostRecent = true }, CancellationToken.None);

        Assert.Equal(2, (int)Assert.Single(fetched).Summary.TraceId.Value);
    }
}
