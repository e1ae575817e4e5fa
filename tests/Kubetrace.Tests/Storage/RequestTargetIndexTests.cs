using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using Kubetrace.Tests.TestSupport;
using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;
using AttributeScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A request's target — the kube-apiserver's <c>http.target</c>, which it sets to the request URI with its query
/// (kubernetes/apiserver v0.34.0 pkg/endpoints/filters/traces.go:58), so that a watch's resourceVersion makes nearly
/// every request's value its own — is indexed in a block however many values it has, where a key with more than the
/// block's limit of values (a UUID's) is left to scans: the block lists its values (the attributes API, the UI's
/// autocomplete) and a search by it, native or TraceQL, is answered from its postings.
/// </summary>
public sealed class RequestTargetIndexTests
{
    private const int Requests = 300; // above the 256 values a key of a block this small may have

    private static string Target(int t) => $"/api/v1/namespaces/team-{t % 7}/pods?allowWatchBookmarks=true&resourceVersion={10_000 + t}&watch=true";

    private static string AuditId(int t) => $"00000000-0000-4000-8000-{t:D12}";

    private static async Task<TempStore> WatchesInABlockAsync()
    {
        var temp = new TempStore();
        for (var t = 1; t <= Requests; t++)
            await temp.AppendAsync(Request(Resource("apiserver",
                Span(t, 1, 0, "GET /api/v1/namespaces/{:namespace}/pods", t, 1, ("http.target", Target(t)), ("audit-id", AuditId(t))))));
        await temp.Store.FlushHeadAsync();
        return temp;
    }

    [Fact]
    public async Task A_block_lists_every_request_target_while_a_uuid_key_stays_unindexed()
    {
        await using var temp = await WatchesInABlockAsync();

        var targets = await temp.Store.GetAttributeValuesAsync(AttributeScope.Span, "http.target", 1_000, CancellationToken.None);
        var auditIds = await temp.Store.GetAttributeValuesAsync(AttributeScope.Span, "audit-id", 1_000, CancellationToken.None);

        Assert.Equal(Enumerable.Range(1, Requests).Select(Target).Order(StringComparer.Ordinal), targets.Order(StringComparer.Ordinal));
        Assert.Empty(auditIds); // still nearly unique per trace with nothing to search by in it: scans find it
    }

    [Fact]
    public async Task A_request_target_is_found_by_its_value_and_by_a_pattern_natively_and_in_traceql()
    {
        await using var temp = await WatchesInABlockAsync();
        var ct = CancellationToken.None;

        var exact = await temp.Store.FetchAsync(new FetchRequest(TimeRange.All, [Condition.Attribute("http.target", Target(42), AttributeScope.Span)]), ct);
        var pattern = await temp.Store.FetchAsync(new FetchRequest(TimeRange.All,
            [new Condition(AttributeScope.Span, "http.target", ConditionOp.Regex, @"/api/v1/namespaces/team-0/pods\?.*resourceVersion=100[0-9][0-9]&.*")]), ct);
        var traceQl = await new TraceQlSearch(temp.Store).SearchAsync(new TraceQlSearchRequest(
            Parser.Parse($"{{ span.http.target = \"{Target(42)}\" }}"), TimeRange.All, 20), ct);

        Assert.Equal(42, (int)Assert.Single(exact).Summary.TraceId.Value);
        Assert.Equal(Enumerable.Range(1, 99).Where(t => t % 7 == 0), pattern.Select(m => (int)m.Summary.TraceId.Value).Order());
        Assert.Equal(42, (int)Assert.Single(traceQl.Traces).Summary.TraceId.Value);
    }

    /// <summary>
    /// A search by the normalised request path (<c>url.path</c>, which the apiserver records before 1.35 only in
    /// <c>http.target</c>, query included) asks storage for the target's path pattern, which its postings answer with
    /// the requests to that path alone, where it asked for every request that has a target.
    /// </summary>
    [Fact]
    public async Task A_search_by_the_normalised_path_reads_only_the_requests_to_it()
    {
        await using var temp = await WatchesInABlockAsync();
        var store = new CountingStore(temp.Store);

        var found = await new QueryEngine(store).SearchAsync(new TraceQuery(TimeRange.All,
            [new QueryCondition(Condition.Attribute("url.path", "/api/v1/namespaces/team-3/pods", AttributeScope.Span))], Limit: 1_000), CancellationToken.None);

        var toTeam3 = Enumerable.Range(1, Requests).Where(t => t % 7 == 3).ToList();
        Assert.Equal(toTeam3, found.Select(f => (int)f.Summary.TraceId.Value).Order());
        Assert.True(store.Fetched <= toTeam3.Count, $"storage gave {store.Fetched} traces for the {toTeam3.Count} requests to the path");
    }

    private sealed class CountingStore(ITraceStore inner) : DelegatingTraceStore(inner)
    {
        public int Fetched;

        public override async ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
        {
            var matches = await base.FetchAsync(request, cancellationToken);
            Interlocked.Add(ref Fetched, matches.Count);
            return matches;
        }
    }
}
