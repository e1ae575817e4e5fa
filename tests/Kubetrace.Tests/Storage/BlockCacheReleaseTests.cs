using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Under memory pressure the store gives up what its blocks decoded for queries (value texts, the text → id maps,
/// row groups), says that it held something (the memory limiter tells data it can shed from its floor by that), and
/// the same queries give the same answers afterwards, decoding again.
/// </summary>
public sealed class BlockCacheReleaseTests
{
    [Fact]
    public async Task A_release_drops_the_blocks_query_caches_and_queries_answer_the_same_afterwards()
    {
        await using var temp = new TempStore();
        var failed = Span(1, 1, 0, "GET /api/v1/pods", 0, 500, ("k8s.namespace.name", "default"));
        failed.Attributes.Add(Attr("http.status_code", 503L));
        failed.Attributes.Add(Attr("retry.ratio", 0.25));
        var ok = Span(2, 1, 0, "GET /api/v1/nodes", 1000, 5, ("k8s.namespace.name", "kube-system"));
        ok.Attributes.Add(Attr("http.status_code", 200L));
        await temp.AppendAsync(Request(Resource("apiserver", failed, ok)));
        await temp.Store.FlushHeadAsync();

        var before = await AnswersAsync(temp.Store);
        Assert.Equal([1], before.Failed);
        Assert.Equal(["200", "503"], before.Codes);
        Assert.Equal((503L, 0.25, "default"), before.Values);

        Assert.True(await temp.Store.ReleaseMemoryAsync(), "the blocks held decoded values: the release must say it held something");
        Assert.False(await temp.Store.ReleaseMemoryAsync(), "nothing decoded since the last release, and the head is empty");

        var after = await AnswersAsync(temp.Store);
        Assert.Equal(before.Failed, after.Failed);
        Assert.Equal(before.Codes, after.Codes);
        Assert.Equal(before.Values, after.Values);
    }

    /// <summary>An equality search on an int value (the text map), the values of a key (value texts) and a trace read
    /// back (values as written).</summary>
    private static async Task<(int[] Failed, string[] Codes, (long, double, string) Values)> AnswersAsync(EmbeddedTraceStore store)
    {
        var matches = await store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("http.status_code", "503")]), CancellationToken.None);
        var codes = await store.GetAttributeValuesAsync(AttributeScope.Span, "http.status_code", 10, CancellationToken.None);
        var trace = await store.GetTraceAsync(new TraceId(1), CancellationToken.None);
        var attributes = trace!.Single().ScopeSpans.Single().Spans.Single().Attributes;
        return (matches.Select(m => (int)m.Summary.TraceId.Value).ToArray(), codes.Order().ToArray(),
            (attributes.Single(a => a.Key == "http.status_code").Value.IntValue, attributes.Single(a => a.Key == "retry.ratio").Value.DoubleValue,
                attributes.Single(a => a.Key == "k8s.namespace.name").Value.StringValue));
    }
}
