using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The ClickHouse side of a Jaeger tag search's fallback (<see cref="FetchRequest.AnywhereKeys"/>): spans whose
/// attributes, resource, scope and events hold the key nowhere are left out by SQL, so the engine reads only
/// traces that may have the tag; a tag in an event or a scope attribute is still found.
/// </summary>
public sealed class ClickHouseAnywhereKeysTests : IAsyncLifetime
{
    private readonly ClickHouseTempStore _temp = new();

    public async Task InitializeAsync()
    {
        var resources = new List<ResourceSpans>();
        for (var trace = 1; trace <= 20; trace++)
        {
            var span = Span(trace, 1, 0, "SyncPod", startMs: trace);
            if (trace == 13) span.Events.Add(new Span.Types.Event { Name = "evicted", TimeUnixNano = BaseTime, Attributes = { Attr("reason", "oom") } });
            var resource = Resource("kubelet", span);
            if (trace == 7) resource.ScopeSpans[0].Scope.Attributes.Add(Attr("lib.flag", "on"));
            resources.Add(resource);
        }
        await _temp.AppendAsync(Request([.. resources]));
    }

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private async Task<int[]> FetchAsync(params string[] keys) =>
        (await _temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Service("kubelet")], Limit: 50) { AnywhereKeys = keys },
            CancellationToken.None)).Select(m => (int)m.Summary.TraceId.Value).Order().ToArray();

    [RequiresClickHouseFact]
    public async Task Only_spans_holding_the_key_somewhere_are_fetched()
    {
        Assert.Equal(Enumerable.Range(1, 20), await FetchAsync());
        Assert.Equal(new[] { 13 }, await FetchAsync("reason"));
        Assert.Equal(new[] { 7 }, await FetchAsync("lib.flag"));
        Assert.Equal(Enumerable.Range(1, 20), await FetchAsync("service.name")); // a resource attribute: every span
        Assert.Empty(await FetchAsync("a"));
        Assert.Empty(await FetchAsync("reason", "lib.flag"));
    }

    [RequiresClickHouseFact]
    public async Task An_event_name_condition_fetches_only_spans_with_such_an_event()
    {
        async Task<int[]> Fetch(ConditionOp op, string name) =>
            (await _temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [new Condition(AttributeScope.Intrinsic, "event:name", op, name)], Limit: 50),
                CancellationToken.None)).Select(m => (int)m.Summary.TraceId.Value).Order().ToArray();

        Assert.Equal(new[] { 13 }, await Fetch(ConditionOp.Equal, "evicted"));
        Assert.Equal(new[] { 13 }, await Fetch(ConditionOp.Regex, "ev.*"));
        Assert.Empty(await Fetch(ConditionOp.Equal, "oom")); // an attribute's value, not an event's name
        Assert.Empty(await Fetch(ConditionOp.Equal, "absent"));
    }

    [RequiresClickHouseFact]
    public async Task A_tag_only_in_an_event_is_still_found_by_the_engine()
    {
        var found = await new QueryEngine(_temp.Store).SearchAsync(new TraceQuery(TimeRange.All,
            [Condition.Service("kubelet"), new QueryCondition(Condition.Attribute("reason", "oom"), Everywhere: true)], Limit: 20), CancellationToken.None);

        Assert.Equal(13, (int)Assert.Single(found).Summary.TraceId.Value);
    }
}
