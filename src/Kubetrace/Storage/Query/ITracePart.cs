using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>A trace found by a part's search, before it is merged with the other parts of the trace.</summary>
/// <param name="Exact">True when the part knows the trace has a matching span; false when the index could only
/// say "maybe" and the rows must be checked.</param>
internal readonly record struct Candidate(UInt128 TraceId, ulong Start, ITracePart Part, bool Exact);

/// <summary>
/// What the store needs from a piece of data (the head, a frozen head, a block) to answer queries. The store
/// merges parts: a trace may be spread over several.
/// </summary>
internal interface ITracePart
{
    ulong MinStart { get; }
    ulong MaxEnd { get; }

    /// <summary>Adds the rows of the trace held by this part.</summary>
    void CollectRows(UInt128 traceId, List<(SpanTable Table, int Row)> rows);

    /// <summary>Adds this part's share of the trace to the summary; false when it has none.</summary>
    bool AddToSummary(UInt128 traceId, SummaryBuilder summary);

    /// <summary>False when no span of this part carries one of the keys in any attribute (span, resource, scope,
    /// event or link), so that the part cannot hold a span of <see cref="FetchRequest.AnywhereKeys"/>.</summary>
    bool MayHoldKeys(IReadOnlyList<string> keys);

    /// <summary>Traces that may match the filter; the part should use its indexes to read little.</summary>
    void FindCandidates(SpanFilter filter, List<Candidate> candidates);

    IEnumerable<string> Services();
    IEnumerable<(string Service, string Name, int Kind)> Operations();
    IEnumerable<string> AttributeNames(AttributeScope scope);
    IEnumerable<string> AttributeValues(AttributeScope scope, string key);

    /// <summary>Every trace ID this part holds spans of, each once.</summary>
    IEnumerable<UInt128> TraceIds();

    /// <summary>Adds each trace with a span starting in the range that links to one of the targets (once per link).</summary>
    void FindLinkingTraces(IReadOnlyCollection<UInt128> targets, TimeRange range, List<LinkingTrace> found);

    /// <summary>Adds parent→child service call and error counts of spans starting in the range.</summary>
    void AddDependencies(TimeRange range, Dictionary<(string Parent, string Child), (long Calls, long Errors)> edges);
}
