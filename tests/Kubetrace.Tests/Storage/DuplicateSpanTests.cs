using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A span exported twice (a client retrying an export whose answer it lost) is one span: a trace read back holds it
/// once, whether both copies are in the head or one is in a block; a span with the same ID but other content is
/// a different span and is kept.
/// </summary>
public sealed class DuplicateSpanTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_same_span_exported_twice_is_returned_once(bool blockBetween)
    {
        await using var temp = new TempStore();
        var request = Request(Resource("apiserver", Span(1, 1, 0, "GET", 0, 10, ("verb", "get")), Span(1, 2, 1, "etcd", 1, 5)));
        await temp.AppendAsync(request);
        if (blockBetween) await temp.Store.FlushHeadAsync();
        await temp.AppendAsync(request);

        var trace = await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);

        var spans = trace!.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();
        Assert.Equal(["GET", "etcd"], spans.Select(s => s.Name).Order());
    }

    [Fact]
    public async Task A_span_with_the_same_ID_and_other_content_is_kept()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET", 0, 10, ("verb", "get")))));
        await temp.AppendAsync(Request(Resource("apiserver", Span(1, 1, 0, "GET", 0, 10, ("verb", "list")))));

        var trace = await temp.Store.GetTraceAsync(Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), CancellationToken.None);

        Assert.Equal(2, trace!.SelectMany(r => r.ScopeSpans).Sum(s => s.Spans.Count));
    }
}
