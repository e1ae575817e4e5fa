using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>
/// The engine side of the storage split (as in Tempo): turns a <see cref="TraceQuery"/> into fetches, pushing
/// down what storage can evaluate, re-evaluates every condition on the stored spans (storage may over-return),
/// and returns trace summaries with their matching spans. Every API (native, Jaeger, Tempo) searches through here.
/// </summary>
public sealed class QueryEngine(ITraceStore store)
{
    /// <summary>Most candidate traces one search examines when storage could not apply every condition.</summary>
    public const int MaxCandidates = 20_000;

    public ITraceStore Store => store;

    public async Task<IReadOnlyList<FoundTrace>> SearchAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Clamp(query.Limit, 1, TraceQuery.MaxLimit);
        var predicate = new SpanPredicate(query);
        var found = new List<FoundTrace>();
        var examined = new HashSet<TraceId>();
        var exact = query.Conditions.Where(c => !c.Everywhere).Select(c => c.Condition).ToList();
        if (query.Conditions.Any(c => c.Everywhere))
        {
            // Fast path through the indexes: most tags are span or resource attributes. Only when that does not
            // fill the limit does the engine look at every candidate for tags in events, scopes and links.
            var pushed = exact.Concat(query.Conditions.Where(c => c.Everywhere).Select(AsSpanOrResource)).ToList();
            await CollectAsync(query, pushed, predicate, limit, found, examined, cancellationToken).ConfigureAwait(false);
        }
        if (found.Count < limit)
            await CollectAsync(query, exact, predicate, limit, found, examined, cancellationToken).ConfigureAwait(false);
        return found.OrderByDescending(f => f.Summary.StartUnixNano).Take(limit).ToList();
    }

    /// <summary>Fetches with each variant of the pushed conditions (Kubernetes names have several raw forms,
    /// see <see cref="NormalisedConditions"/>) until the limit is filled.</summary>
    private async Task CollectAsync(TraceQuery query, List<Condition> pushed, SpanPredicate predicate, int limit,
        List<FoundTrace> found, HashSet<TraceId> examined, CancellationToken cancellationToken)
    {
        // Each variant looks for the newest `wanted` traces on its own: the newest of the union are among them.
        var wanted = limit - found.Count;
        foreach (var variant in NormalisedConditions.Variants(pushed))
            await CollectVariantAsync(query, variant, predicate, wanted, found, examined, cancellationToken).ConfigureAwait(false);
    }

    private async Task CollectVariantAsync(TraceQuery query, IReadOnlyList<Condition> pushed, SpanPredicate predicate, int wanted,
        List<FoundTrace> found, HashSet<TraceId> examined, CancellationToken cancellationToken)
    {
        var limit = found.Count + wanted;
        var fetchLimit = Math.Max(1, wanted);
        while (true)
        {
            var matches = await store.FetchAsync(new FetchRequest(query.Range, pushed, AllConditions: true, fetchLimit),
                cancellationToken).ConfigureAwait(false);
            foreach (var match in matches)
            {
                if (found.Count >= limit) return;
                if (!examined.Add(match.Summary.TraceId)) continue;
                if (!query.AcceptsTraceDuration(match.Summary.DurationNano)) continue;
                var spans = await store.GetTraceAsync(match.Summary.TraceId, cancellationToken).ConfigureAwait(false);
                if (spans is null) continue; // deleted by retention between fetch and read
                if (Evaluate(match.Summary, spans, predicate, query.SpansPerTrace) is { } result) found.Add(result);
            }
            if (found.Count >= limit || matches.Count < fetchLimit || fetchLimit >= MaxCandidates) return;
            fetchLimit = Math.Min(MaxCandidates, fetchLimit * 4);
        }
    }

    private static FoundTrace? Evaluate(TraceSummary summary, IReadOnlyList<ResourceSpans> spans, SpanPredicate predicate,
        int spansPerTrace)
    {
        var matched = new List<SpanView>();
        var count = 0;
        foreach (var view in SpanView.All(spans))
        {
            if (!predicate.Matches(view)) continue;
            count++;
            if (matched.Count < spansPerTrace) matched.Add(view);
        }
        return count == 0 ? null : new FoundTrace(summary, spans, matched, count);
    }

    /// <summary>
    /// The indexed form of an everywhere-condition: the tags Jaeger derives from OTLP fields become the intrinsic
    /// they come from (<c>error=true</c> is status error), any other tag a span-or-resource attribute.
    /// </summary>
    private static Condition AsSpanOrResource(QueryCondition condition) => condition.Condition switch
    {
        { Key: "error", Op: ConditionOp.Equal, Value: "true" } => new(AttributeScope.Intrinsic, "status", ConditionOp.Equal, "error"),
        { Key: "span.kind", Op: ConditionOp.Equal } c => new(AttributeScope.Intrinsic, "kind", ConditionOp.Equal, c.Value),
        var c => c with { Scope = AttributeScope.Any },
    };

    public async Task<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId id, CancellationToken cancellationToken) =>
        await store.GetTraceAsync(id, cancellationToken).ConfigureAwait(false);
}
