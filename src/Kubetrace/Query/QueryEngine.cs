using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;

namespace Kubetrace.Query;

/// <summary>
/// The engine side of the storage split (as in Tempo): turns a <see cref="TraceQuery"/> into fetches, pushing
/// down what storage can evaluate, re-evaluates every condition on the stored spans (storage may over-return),
/// and returns trace summaries with their matching spans. Every API (native, Jaeger, Tempo) searches through here.
/// </summary>
public sealed class QueryEngine(ITraceStore store, QueryLimits? limits = null, TimeProvider? clock = null)
{
    /// <summary>Most candidate traces one search examines when storage could not apply every condition.</summary>
    public const int MaxCandidates = 20_000;

    public ITraceStore Store => store;

    private Access.ScopedListingCache? _scopedListings;

    /// <summary>The listings namespace-scoped readers of <see cref="Store"/> got (one engine per store: shared by all of them).</summary>
    public Access.ScopedListingCache ScopedListings
    {
        get => LazyInitializer.EnsureInitialized(ref _scopedListings, () => new Access.ScopedListingCache(timeout: Limits.QueryTimeout));
        init => _scopedListings = value;
    }

    /// <summary>What one query may cost (the <c>kubetrace_query</c> keys); every search here keeps to them.</summary>
    public QueryLimits Limits { get; } = limits ?? QueryLimits.Default;

    /// <summary>"Now" for the APIs: the end of a request's default window (the last hour, when it names none). The
    /// query extension's clock, so that a test moves it.</summary>
    public TimeProvider Clock { get; } = clock ?? TimeProvider.System;

    /// <summary>
    /// Runs a search within <see cref="Limits"/>: a request asking for more than they allow is refused
    /// (<see cref="QueryLimitException"/>); one that reaches a limit while it runs answers what it found so far,
    /// with <see cref="SearchResult.Incomplete"/> naming the limit. The whole answer at once: the APIs stream it
    /// (<see cref="StreamAsync"/>).
    /// </summary>
    public async Task<SearchResult> SearchAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        using var answer = await StreamAsync(query, cancellationToken).ConfigureAwait(false);
        var traces = await answer.ToListAsync().ConfigureAwait(false);
        return new SearchResult(traces, answer.Incomplete);
    }

    /// <summary>
    /// Chooses the answer's traces within <see cref="Limits"/> (as <see cref="SearchAsync"/>), holding their summaries
    /// and at most <see cref="QueryLimits.HeldBytesPerQuery"/> of their spans; the answer reads the rest again as it
    /// is written. Dispose the answer.
    /// </summary>
    public async Task<StreamedSearch<FoundTrace>> StreamAsync(TraceQuery query, CancellationToken cancellationToken)
    {
        query = Admit(query);
        var budget = new QueryBudget(Limits, cancellationToken);
        try
        {
            var limit = Math.Clamp(query.Limit, 1, TraceQuery.MaxLimit);
            var predicate = new SpanPredicate(query);
            var found = new AnswerSelection<FoundTrace>(budget);
            var examined = new HashSet<TraceId>();
            var exact = query.Conditions.Where(c => !c.Everywhere).Select(c => c.Condition).ToList();
            if (query.Conditions.Any(c => c.Everywhere))
            {
                // Fast path through the indexes: most tags are span or resource attributes. Only when that does not
                // fill the limit does the engine look at every candidate for tags in events, scopes and links.
                var pushed = exact.Concat(query.Conditions.Where(c => c.Everywhere).Select(AsSpanOrResource)).ToList();
                await CollectAsync(query, pushed, predicate, limit, found, examined, budget).ConfigureAwait(false);
            }
            if (found.Count < limit && budget.Stopped is null)
            {
                // The tags were not all in span or resource attributes: every trace the other conditions allow may have
                // them in events, links or scopes. Storage skips the data that holds one of the keys nowhere.
                var anywhere = query.Conditions.Where(c => c.Everywhere && c.Condition.Scope != AttributeScope.Intrinsic &&
                    !SpanPredicate.MayMatchWithoutKey(c.Condition.Key)).Select(c => c.Condition.Key).Distinct().ToList();
                await CollectAsync(query, exact, predicate, limit, found, examined, budget, anywhere).ConfigureAwait(false);
            }
            return found.Answer(limit, async (summary, token) =>
                await store.GetTraceAsync(summary.TraceId, token).ConfigureAwait(false) is { } spans
                    ? Evaluate(summary, spans, predicate, query)
                    : null);
        }
        catch
        {
            budget.Dispose();
            throw;
        }
    }

    /// <summary>Checks a query against the limits that can be judged before it runs (400 naming the key).</summary>
    public TraceQuery Admit(TraceQuery query)
    {
        Limits.CheckResultLimit(query.Limit);
        Limits.CheckSpansPerSpanSet(query.SpansPerTrace);
        Limits.CheckRange(query.Range);
        return query;
    }

    /// <summary>A TraceQL search held to the same limits as every other search here.</summary>
    public TraceQl.TraceQlSearch TraceQl() => new(store, Limits);

    /// <summary>TraceQL metrics over this engine's store, within the same <see cref="Limits"/>.</summary>
    public TraceQl.Metrics.MetricsEngine Metrics() => new(store, Limits);

    /// <summary>Fetches with each variant of the pushed conditions (Kubernetes names have several raw forms,
    /// see <see cref="NormalisedConditions"/>) until the limit is filled.</summary>
    private async Task CollectAsync(TraceQuery query, List<Condition> pushed, SpanPredicate predicate, int limit,
        AnswerSelection<FoundTrace> found, HashSet<TraceId> examined, QueryBudget budget, IReadOnlyList<string>? anywhereKeys = null)
    {
        // Each variant looks for the newest `wanted` traces on its own: the newest of the union are among them.
        var wanted = limit - found.Count;
        foreach (var variant in NormalisedConditions.Variants(pushed))
        {
            if (budget.Stopped is not null) return;
            await CollectVariantAsync(query, variant, predicate, wanted, found, examined, budget, anywhereKeys ?? []).ConfigureAwait(false);
        }
    }

    private async Task CollectVariantAsync(TraceQuery query, IReadOnlyList<Condition> pushed, SpanPredicate predicate, int wanted,
        AnswerSelection<FoundTrace> found, HashSet<TraceId> examined, QueryBudget budget, IReadOnlyList<string> anywhereKeys)
    {
        var limit = found.Count + wanted;
        var fetchLimit = Math.Max(1, wanted);
        while (true)
        {
            var request = new FetchRequest(query.Range, pushed, AllConditions: true, fetchLimit) { AnywhereKeys = anywhereKeys };
            if (budget.TimedOut() || await budget.UntilDeadlineAsync(t => store.FetchAsync(request, t)).ConfigureAwait(false) is not { } matches)
                return;
            foreach (var match in matches)
            {
                if (found.Count >= limit || budget.TimedOut()) return;
                if (!examined.Add(match.Summary.TraceId)) continue;
                if (!query.AcceptsTraceDuration(match.Summary.DurationNano)) continue;
                var spans = await budget.UntilDeadlineAsync(t => store.GetTraceAsync(match.Summary.TraceId, t)).ConfigureAwait(false);
                if (budget.Stopped is not null) return;
                if (spans is null) continue; // deleted by retention between fetch and read
                if (Evaluate(match.Summary, spans, predicate, query) is not { } result) continue;
                var (heldSpans, heldBytes) = Held(result);
                if (!found.TryAdd(match.Summary, result, heldSpans, heldBytes)) return;
            }
            if (found.Count >= limit || matches.Count < fetchLimit || fetchLimit >= MaxCandidates) return;
            fetchLimit = Math.Min(MaxCandidates, fetchLimit * 4);
        }
    }

    /// <summary>What a found trace adds to the answer: spans and their OTLP protobuf bytes.</summary>
    private static (int Spans, long Bytes) Held(FoundTrace trace)
    {
        if (trace.Spans.Count > 0) return (trace.Summary.SpanCount, trace.Spans.Sum(r => (long)r.CalculateSize()));
        return (trace.Matched.Count, trace.Matched.Sum(v => (long)v.Span.CalculateSize()));
    }

    private static FoundTrace? Evaluate(TraceSummary summary, IReadOnlyList<ResourceSpans> spans, SpanPredicate predicate,
        TraceQuery query)
    {
        var matched = new List<SpanView>();
        var slim = query.WholeTraces ? null : new SlimParents();
        var count = 0;
        var services = new SortedDictionary<string, (int Spans, int Errors)>(StringComparer.Ordinal);
        foreach (var view in SpanView.All(spans))
        {
            var (serviceSpans, serviceErrors) = services.GetValueOrDefault(view.ServiceName);
            services[view.ServiceName] = (serviceSpans + 1, serviceErrors + (view.Span.Status?.Code == Status.Types.StatusCode.Error ? 1 : 0));
            if (!predicate.Matches(view)) continue;
            count++;
            if (matched.Count < query.SpansPerTrace) matched.Add(slim?.Of(view) ?? view);
        }
        if (count == 0) return null;
        return new FoundTrace(summary, query.WholeTraces ? spans : [], matched, count)
        {
            ServiceStats = services.Select(s => new ServiceSpanCount(s.Key, s.Value.Spans, s.Value.Errors)).ToList(),
        };
    }

    /// <summary>
    /// A matching span kept without its whole trace: its view points at copies of its resource and scope that hold
    /// no spans, so the rest of the trace can be collected as soon as it has been evaluated.
    /// </summary>
    private sealed class SlimParents
    {
        private readonly Dictionary<ScopeSpans, (ResourceSpans Resource, ScopeSpans Scope)> _copies = new(ReferenceEqualityComparer.Instance);

        public SpanView Of(SpanView view)
        {
            if (!_copies.TryGetValue(view.Scope, out var copy))
                _copies[view.Scope] = copy = (
                    new ResourceSpans { Resource = view.Resource.Resource, SchemaUrl = view.Resource.SchemaUrl },
                    new ScopeSpans { Scope = view.Scope.Scope, SchemaUrl = view.Scope.SchemaUrl });
            return new SpanView(copy.Resource, copy.Scope, view.Span);
        }
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
