using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>
/// When storage cannot apply a condition (a Jaeger tag found only in events), the engine keeps asking storage for
/// more candidates until the limit is filled or the candidates run out.
/// </summary>
public sealed class QueryEngineGrowthTests
{
    [Fact]
    public async Task Matches_older_than_the_first_fetch_are_still_found()
    {
        await using var store = new TempStore();
        var resources = new List<ResourceSpans>();
        for (var trace = 1; trace <= 60; trace++)
        {
            var span = Span(trace, 1, 0, "SyncPod", startMs: trace);
            // Only the three oldest traces carry the tag, and only in an event.
            if (trace <= 3) span.Events.Add(new Span.Types.Event { Name = "evicted", TimeUnixNano = BaseTime, Attributes = { Attr("reason", "oom") } });
            resources.Add(Resource("kubelet", span));
        }
        await store.AppendAsync(Request([.. resources]));

        var query = new TraceQuery(TimeRange.All,
            [Condition.Service("kubelet"), new QueryCondition(Condition.Attribute("reason", "oom"), Everywhere: true)], Limit: 2);
        var found = await new QueryEngine(store.Store).SearchAsync(query, CancellationToken.None);

        Assert.Equal([3, 2], found.Select(f => (int)f.Summary.TraceId.Value));
        Assert.All(found, f => Assert.Equal("SyncPod", Assert.Single(f.Matched).Span.Name));
    }
}
