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
