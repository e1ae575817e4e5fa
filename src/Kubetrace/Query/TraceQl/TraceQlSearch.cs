using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;

namespace Kubetrace.Query.TraceQl;

/// <summary>A TraceQL search: the query, the time range (traces overlapping it), how many traces and spans per spanset.</summary>
public sealed record TraceQlSearchRequest(RootExpr Query, TimeRange Range, int Limit)
{
    public int SpansPerSpanset { get; init; } = 3;
    public long? MinTraceDurationNanos { get; init; }
    public long? MaxTraceDurationNanos { get; init; }
}

/// <summary>A trace the query matched: its summary, its spans, and the spansets the pipeline produced.</summary>
public sealed record TraceQlMatch(TraceSummary Summary, IReadOnlyList<ResourceSpans> Spans, IReadOnlyList<Spanset> Spansets);

/// <summary>The matches, newest first, what the query read, and the limit that cut it short (null when complete).</summary>
public sealed record TraceQlSearchResult(IReadOnlyList<TraceQlMatch> Traces, QueryCost Cost, Incompleteness? Incomplete = null);

/// <summary>The matches as a streamed answer (dispose it), and what the query read to choose them.</summary>
public sealed record TraceQlStreamedResult(StreamedSearch<TraceQlMatch> Traces, QueryCost Cost) : IDisposable
{
    public void Dispose() => Traces.Dispose();
}

/// <summary>
/// Runs TraceQL searches over the storage fetch layer, as Tempo's engine does over its blocks: conditions that can be
/// are pushed down (<see cref="Pushdown"/>), storage returns candidate traces newest first (it may over-return),
/// and the pipeline is evaluated on each whole trace (<see cref="PipelineEvaluator"/>). Traces count when they
/// overlap the range. What it reads is bounded by <see cref="TraceQlLimits"/>; what it holds for its answer, its
/// range and its time by the <see cref="QueryLimits"/> every search of the service keeps to (<see cref="QueryBudget"/>).
/// </summary>
public sealed class TraceQlSearch(ITraceStore store, QueryLimits? queryLimits = null, TraceQlLimits? limits = null)
{
    private readonly TraceQlLimits _limits = limits ?? TraceQlLimits.Default;
    private readonly QueryLimits _queryLimits = queryLimits ?? QueryLimits.Default;

    /// <summary>The whole answer at once (the APIs stream it: <see cref="StreamAsync"/>).</summary>
    public async Task<TraceQlSearchResult> SearchAsync(TraceQlSearchRequest request, CancellationToken cancellationToken)
    {
        using var result = await StreamAsync(request, cancellationToken).ConfigureAwait(false);
        var traces = await result.Traces.ToListAsync().ConfigureAwait(false);
        return new TraceQlSearchResult(traces, result.Cost, result.Traces.Incomplete);
    }

    /// <summary>
    /// Chooses the matching traces within the limits, holding their summaries and at most
    /// <see cref="QueryLimits.HeldBytesPerQuery"/> of their spans; the answer reads and evaluates the rest again as
    /// it is written (<see cref="AnswerSelection{T}"/>).
    /// </summary>
    public async Task<TraceQlStreamedResult> StreamAsync(TraceQlSearchRequest request, CancellationToken cancellationToken)
    {
        var pipeline = request.Query.SearchPipeline
                       ?? throw new TraceQlException(TraceQlErrorKind.Validation, "a metrics query cannot be used for search: use /api/metrics/query_range");
        _queryLimits.CheckRange(request.Range);
        _queryLimits.CheckResultLimit(request.Limit);
        var budget = new QueryBudget(_queryLimits, cancellationToken);
        try
        {
            var cost = new QueryCost(_limits);
            var found = new AnswerSelection<TraceQlMatch>(budget);
            var limit = Math.Max(1, request.Limit);
            var evaluator = new PipelineEvaluator();
            await CollectAsync(request, pipeline, evaluator, found, limit, cost, budget).ConfigureAwait(false);
            var answer = found.Answer(limit, async (summary, token) =>
                await store.GetTraceAsync(summary.TraceId, token).ConfigureAwait(false) is { } trace &&
                Evaluate(pipeline, evaluator, summary, trace) is { } match
                    ? match
                    : null,
                cost.LimitReached is { } read ? new Incompleteness("traceql_inspection", $"the search {read}") : null);
            return new TraceQlStreamedResult(answer, cost);
        }
        catch
        {
            budget.Dispose();
            throw;
        }
    }

    private async Task CollectAsync(TraceQlSearchRequest request, Pipeline pipeline, PipelineEvaluator evaluator,
        AnswerSelection<TraceQlMatch> found, int limit, QueryCost cost, QueryBudget budget)
    {
        var (conditions, all) = Pushdown.Conditions(pipeline);
        var fetchRange = Widen(request.Range);
        var examined = new HashSet<TraceId>();
        var fetchLimit = limit;
        var mostRecent = MostRecent(request.Query);
        var anywhereKeys = Pushdown.AnywhereKeys(pipeline);
        while (true)
        {
            var fetch = new FetchRequest(fetchRange, conditions, all, fetchLimit)
            {
                MostRecent = mostRecent, AnywhereKeys = anywhereKeys,
            };
            if (budget.TimedOut() || await budget.UntilDeadlineAsync(t => store.FetchAsync(fetch, t)).ConfigureAwait(false) is not { } matches)
                return;
            foreach (var match in matches)
            {
                var summary = match.Summary;
                if (!examined.Add(summary.TraceId) || !Overlaps(request.Range, summary) || !AcceptsDuration(request, summary)) continue;
                if (!cost.TryInspect(summary.SpanCount) || budget.TimedOut()) return;
                var trace = await budget.UntilDeadlineAsync(t => store.GetTraceAsync(summary.TraceId, t)).ConfigureAwait(false);
                if (budget.Stopped is not null) return;
                if (trace is null) continue; // removed by retention since the fetch
                if (Evaluate(pipeline, evaluator, summary, trace) is not { } matched) continue;
                // A match holds its whole trace for the answer (its spansets point into it).
                if (!found.TryAdd(matched.Summary, matched, summary.SpanCount, trace.Sum(r => (long)r.CalculateSize()))) return;
            }
            // Storage returns the newest traces first: once `limit` matched, older candidates cannot displace them.
            if (found.Count >= limit || matches.Count < fetchLimit) return;
            fetchLimit = (int)Math.Min(int.MaxValue / 2, (long)fetchLimit * 4);
        }
    }

    /// <summary>The trace as a match of the pipeline (its spansets), or null when the pipeline keeps nothing.</summary>
    private static TraceQlMatch? Evaluate(Pipeline pipeline, PipelineEvaluator evaluator, TraceSummary summary, IReadOnlyList<ResourceSpans> trace)
    {
        var spans = TraceSpans.Build(trace);
        var spansets = spans.Count == 0 ? [] : evaluator.Evaluate(pipeline, [new Spanset(spans)]);
        return spansets.Count == 0 ? null : new TraceQlMatch(WithRoot(summary, spans[0].Trace), trace, spansets);
    }

    /// <summary>
    /// <c>with(most_recent=true)</c>: the latest-starting traces, exactly (Tempo's mostRecentCombiner keeps the
    /// <c>limit</c> traces of highest start time, pkg/traceql/combine.go; without the hint Tempo keeps any
    /// <c>limit</c> found). Here searches always go newest first; the hint makes storage rank a trace by its
    /// start even when its later spans are in a newer part.
    /// </summary>
    private static bool MostRecent(RootExpr query) => query.Hint("most_recent") is { Type: StaticType.Boolean, AsBool: true };

    /// <summary>The root as TraceQL sees it: a span whose parent is itself is disconnected, not a root.</summary>
    private static TraceSummary WithRoot(TraceSummary summary, TraceFacts facts) => facts.HasRoot
        ? summary with { RootService = facts.RootService, RootName = facts.RootName, HasRoot = true }
        : summary;

    private TimeRange Widen(TimeRange range) => range.StartUnixNano == 0
        ? range
        : range with { StartUnixNano = Math.Max(0, range.StartUnixNano - _limits.OverlapLookback.Ticks * 100) };

    /// <summary>Tempo keeps a trace whose [start, end] overlaps the requested range.</summary>
    private static bool Overlaps(TimeRange range, TraceSummary summary) =>
        summary.StartUnixNano < range.EndUnixNano && summary.StartUnixNano + summary.DurationNano >= range.StartUnixNano;

    private static bool AcceptsDuration(TraceQlSearchRequest request, TraceSummary summary) =>
        (request.MinTraceDurationNanos is not { } min || summary.DurationNano >= min) &&
        (request.MaxTraceDurationNanos is not { } max || summary.DurationNano <= max);
}
