using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>The engine over a real embedded store: what storage pushes down, the engine re-evaluates and completes.</summary>
public sealed class QueryEngineTests : IAsyncLifetime
{
    private readonly TempStore _store = new();
    private QueryEngine Engine => new(_store.Store);

    public async Task InitializeAsync()
    {
        // Trace 1: the tag only in an event of a kubelet span (Jaeger finds tags in logs).
        var withEvent = Span(1, 1, 0, "SyncPod", startMs: 0, durationMs: 40);
        withEvent.Events.Add(new Span.Types.Event { Name = "retry", TimeUnixNano = BaseTime, Attributes = { Attr("pod", "web-1") } });
        // Trace 2: the tag as a span attribute; trace 3 as a resource attribute; trace 4 on another service.
        var resourceTagged = Resource("kubelet", Span(3, 1, 0, "SyncPod", startMs: 20, durationMs: 5));
        resourceTagged.Resource.Attributes.Add(Attr("pod", "web-1"));
        var failed = Span(5, 1, 0, "GET /pods", startMs: 40, durationMs: 300);
        failed.Status = new Status { Code = Status.Types.StatusCode.Error };
        await _store.AppendAsync(Request(
            Resource("kubelet", withEvent),
            Resource("kubelet", Span(2, 1, 0, "SyncPod", startMs: 10, durationMs: 200, ("pod", "web-1"))),
            resourceTagged,
            Resource("apiserver", Span(4, 1, 0, "GET /pods", startMs: 30, durationMs: 10, ("pod", "web-1")),
                Span(4, 2, 1, "etcd get", startMs: 31, durationMs: 2)),
            Resource("apiserver", failed)));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static TraceQuery Query(params QueryCondition[] conditions) => new(TimeRange.All, conditions, 20);

    private async Task<List<int>> TraceNumbers(TraceQuery query) =>
        (await Engine.SearchAsync(query, CancellationToken.None)).Select(f => (int)f.Summary.TraceId.Value).Order().ToList();

    [Fact]
    public async Task Jaeger_tags_are_found_in_span_resource_and_event_attributes_of_the_right_service()
    {
        var found = await TraceNumbers(Query(Condition.Service("kubelet"), new QueryCondition(Condition.Attribute("pod", "web-1"), Everywhere: true)));
        Assert.Equal([1, 2, 3], found);
    }

    [Fact]
    public async Task Span_or_resource_conditions_do_not_look_into_events()
    {
        Assert.Equal([2, 3], await TraceNumbers(Query(Condition.Service("kubelet"), Condition.Attribute("pod", "web-1"))));
        Assert.Equal([2], await TraceNumbers(Query(Condition.Attribute("pod", "web-1", AttributeScope.Span), Condition.Service("kubelet"))));
    }

    [Fact]
    public async Task All_conditions_must_hold_on_the_same_span()
    {
        // Trace 4 has "pod" on GET /pods and a 2 ms span, but no single span with both.
        Assert.Empty(await TraceNumbers(Query(Condition.Attribute("pod", "web-1"), Condition.MaxDuration(TimeSpan.FromMilliseconds(3)),
            Condition.Service("apiserver"))));
        Assert.Equal([4], await TraceNumbers(Query(Condition.SpanName("etcd get"), Condition.MaxDuration(TimeSpan.FromMilliseconds(3)))));
    }

    [Fact]
    public async Task Jaegers_derived_error_tag_finds_spans_with_error_status()
    {
        Assert.Equal([5], await TraceNumbers(Query(new QueryCondition(Condition.Attribute("error", "true"), Everywhere: true))));
    }

    [Fact]
    public async Task Limit_keeps_the_most_recent_traces_and_spans_per_trace_bounds_the_matched_spans()
    {
        var found = await Engine.SearchAsync(new TraceQuery(TimeRange.All, [Condition.Service("kubelet")], 2) { SpansPerTrace = 0 }, CancellationToken.None);
        Assert.Equal([3, 2], found.Select(f => (int)f.Summary.TraceId.Value));
        Assert.All(found, f => Assert.Empty(f.Matched));
        Assert.All(found, f => Assert.Equal(1, f.MatchedCount));
    }

    [Fact]
    public async Task Trace_duration_bounds_apply_to_the_whole_trace()
    {
        var query = Query(Condition.Service("kubelet")) with { MinTraceDuration = TimeSpan.FromMilliseconds(100) };
        Assert.Equal([2], await TraceNumbers(query));
    }

    [Fact]
    public async Task Time_range_applies_to_span_start()
    {
        var from = (long)BaseTime + 15_000_000;
        var query = new TraceQuery(new TimeRange(from, from + 10_000_000), [Condition.Service("kubelet")], 20);
        Assert.Equal([3], await TraceNumbers(query));
    }
}
