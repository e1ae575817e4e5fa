using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;
using AttributeScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// A TraceQL filter asks storage for the spans that can match it, so a selective query reads only them: an unscoped
/// attribute as "span or resource attribute", as Tempo's fetch layer looks for it.
/// </summary>
public sealed class TraceQlPushdownTests
{
    [Fact]
    public async Task An_unscoped_attribute_is_asked_of_storage_as_a_span_or_resource_attribute_and_finds_both()
    {
        await using var temp = new TempStore();
        var onResource = Resource("payments", Span(1, 1, 0, "charge"));
        onResource.Resource.Attributes.Add(Attr("team", "checkout"));
        await temp.AppendAsync(Request(onResource));
        await temp.AppendAsync(Request(Resource("cart", Span(2, 1, 0, "add", 0, 10, ("team", "checkout")))));
        await temp.AppendAsync(Request(Resource("cart", Span(3, 1, 0, "add", 0, 10, ("team", "search")))));
        var store = new RecordingStore(temp.Store);

        var found = await new TraceQlSearch(store).SearchAsync(
            new TraceQlSearchRequest(Parser.Parse("{ .team = \"checkout\" }"), TimeRange.All, 20), CancellationToken.None);

        Assert.Equal([Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), Kubetrace.Storage.TraceId.FromByteString(TraceId(2))], found.Traces.Select(t => t.Summary.TraceId).Order().ToList());
        var asked = Assert.Single(store.Requests);
        Assert.Contains(new Condition(AttributeScope.Any, "team", ConditionOp.Equal, "checkout"), asked.Conditions);
    }

    [Fact]
    public async Task A_union_asks_storage_for_either_sides_narrowest_condition_and_reads_only_the_traces_that_hold_one()
    {
        await using var temp = new TempStore();
        await temp.AppendAsync(Request(Resource("payments", Span(1, 1, 0, "charge", 0, 10, ("team", "checkout")))));
        await temp.AppendAsync(Request(Resource("cart", Span(2, 1, 0, "add", 0, 10, ("team", "search")), Span(2, 2, 1, "select", 1, 5))));
        await temp.AppendAsync(Request(Resource("cart", Span(3, 1, 0, "add", 0, 10, ("team", "checkout")), Span(3, 2, 1, "select", 1, 5))));
        await temp.AppendAsync(Request(Resource("cart", Span(4, 1, 0, "remove", 0, 10, ("team", "cart")))));
        var store = new RecordingStore(temp.Store);

        // Each side's kind narrows nothing (every trace has a server span): its name and its attribute do.
        var found = await new TraceQlSearch(store).SearchAsync(new TraceQlSearchRequest(
            Parser.Parse("{ kind = server && name = \"charge\" } || ({ span.team = \"search\" && kind = server } > { name = \"select\" })"), TimeRange.All, 20), CancellationToken.None);

        Assert.Equal([Kubetrace.Storage.TraceId.FromByteString(TraceId(1)), Kubetrace.Storage.TraceId.FromByteString(TraceId(2))], found.Traces.Select(t => t.Summary.TraceId).Order().ToList());
        var asked = Assert.Single(store.Requests);
        Assert.False(asked.AllConditions);
        Assert.Equal([new Condition(AttributeScope.Intrinsic, "name", ConditionOp.Equal, "charge"), new Condition(AttributeScope.Span, "team", ConditionOp.Equal, "search")],
            asked.Conditions);
        Assert.Equal(2, found.Cost.InspectedTraces); // charge's trace and the search team's, not the two others
    }

    private sealed class RecordingStore(ITraceStore inner) : DelegatingTraceStore(inner)
    {
        public List<FetchRequest> Requests { get; } = [];

        public override ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
        {
            lock (Requests) Requests.Add(request);
            return base.FetchAsync(request, cancellationToken);
        }
    }
}
