using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;

namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>The series of a metrics query and what it read.</summary>
public sealed record MetricsResult(IReadOnlyList<Series> Series, QueryCost Cost);

/// <summary>
/// TraceQL metrics (Tempo's query_range): for each query of the expression, the spans its pipeline returns in
/// the range feed the first stage (<see cref="SeriesAggregator"/>); then the second stages (topk/bottomk, value
/// filters, scalar arithmetic) and arithmetic between queries run on the series. Traces come from the store's
/// fetch with pushed-down conditions, or, when the query reads only what the span scan carries (name, kind,
/// status, duration, service), from the scan, which is much cheaper. Budgets: a query that would read more than
/// the limits (<see cref="TraceQlLimits"/>), cover a longer range than <c>max_duration</c> or run past
/// <c>query_timeout</c> (the service's <see cref="QueryLimits"/>, as for every search) is refused rather than
/// answered wrong.
/// </summary>
public sealed class MetricsEngine(ITraceStore store, QueryLimits? queryLimits = null, TraceQlLimits? limits = null)
{
    private readonly TraceQlLimits _limits = limits ?? TraceQlLimits.Default;
    private readonly QueryLimits _queryLimits = queryLimits ?? QueryLimits.Default;

    /// <summary>Whether queries of the shape <see cref="RolledUpMetrics.Allows"/> read the store's rollups (off: scan
    /// every span, as <c>kubetrace bench traceql</c> does to compare).</summary>
    public bool UseRollups { get; init; } = true;

    public async Task<MetricsResult> QueryAsync(MetricsRequest request, CancellationToken cancellationToken)
    {
        if (!request.Query.Expression.IsMetrics)
            throw new TraceQlException(TraceQlErrorKind.Validation, "not a metrics query: add a metrics function, e.g. {...} | rate()");
        if (request.Step <= 0 && !request.Instant) throw new TraceQlException(TraceQlErrorKind.Validation, "step must be positive");
        if (request.End <= request.Start) throw new TraceQlException(TraceQlErrorKind.Validation, "end must be after start");
        if (request.IntervalCount > _limits.MaxPointsPerSeries)
            throw new TraceQlException(TraceQlErrorKind.Validation,
                $"the query asks for {request.IntervalCount} points per series, more than {_limits.MaxPointsPerSeries}: use a larger step");
        _queryLimits.CheckRange(new TimeRange(request.Start, request.End));
        var cost = new QueryCost(_limits);
        using var budget = new QueryBudget(_queryLimits, cancellationToken);
        try
        {
            var series = await EvaluateAsync(request.Query.Expression, request, cost, budget.Token).ConfigureAwait(false);
            foreach (var s in series) AttachExemplars(s);
            return new MetricsResult(series, cost);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && budget.TimedOut())
        {
            // Partial series would read as a drop in the rate: a metrics query out of time is refused, not cut.
            throw new QueryLimitException(QueryRefusal.Unavailable, "query_timeout",
                $"the metrics query ran past query_timeout ({QueryBudget.GoDurationText(_queryLimits.QueryTimeout)}): narrow the time range or the filter",
                TimeSpan.FromSeconds(1));
        }
    }

    private async Task<List<Series>> EvaluateAsync(QueryExpression e, MetricsRequest request, QueryCost cost, CancellationToken cancellationToken)
    {
        List<Series> series;
        if (e.Op == Op.None)
        {
            var sampler = new ExemplarSampler(request);
            IFirstStage stage = e.Metrics!.Op == MetricsOp.Compare
                ? new CompareAggregator(e.Metrics, request, sampler)
                : new SeriesAggregator(e.Metrics, request, _limits, sampler);
            var rolledUp = UseRollups && stage is SeriesAggregator counts && RolledUpMetrics.Allows(e.Pipeline!, e.Metrics, request)
                ? new RolledUpCells(e.Pipeline!, request, counts, sampler, cost)
                : null;
            await ForEachSpanAsync(e.Pipeline!, e.Metrics, request, cost, span => stage.Add(span, sampler.Enabled && sampler.Claims(span)), rolledUp,
                cancellationToken).ConfigureAwait(false);
            series = stage.Results();
        }
        else
        {
            var lhs = await EvaluateAsync(e.Lhs!, request, cost, cancellationToken).ConfigureAwait(false);
            var rhs = await EvaluateAsync(e.Rhs!, request, cost, cancellationToken).ConfigureAwait(false);
            series = SecondStages.Combine(e.Op, lhs, rhs, request.IntervalCount);
        }
        foreach (var stage in e.Stages) series = SecondStages.Apply(stage, series);
        return series;
    }

    /// <summary>
    /// Every span the pipeline returns for traces with spans in the range, once each; with <paramref name="rolledUp"/>,
    /// those of the traces the store's <see cref="SpanMetricsRollup"/> counted go to it as counts instead.
    /// </summary>
    private async Task ForEachSpanAsync(Pipeline pipeline, MetricsAggregate metrics, MetricsRequest request, QueryCost cost,
        Action<SpanRecord> visit, RolledUpCells? rolledUp, CancellationToken cancellationToken)
    {
        var evaluator = new PipelineEvaluator();
        var range = new TimeRange(request.Instant ? request.Start : request.AlignedStart, request.End + 1);
        if (ScanFields.Covers(pipeline, metrics))
        {
            string? refused = null;
            // A range query drops spans before its first interval itself (rollup cells are seconds, intervals whole
            // seconds): a block at the range's start edge is read from its rollup too. An instant query's interval is
            // closed at its start, which a right-closed second can straddle: only rollups inside the range serve it.
            var scanRequest = new Storage.Scan.SpanScanRequest(range, []) { RollupDropsEarlierSpans = !request.Instant };
            void Visit(Storage.Scan.ScannedTrace scanned)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (refused is not null) return;
                if (!cost.TryInspect(scanned.Spans.Count))
                {
                    refused = cost.LimitReached;
                    return;
                }
                EvaluateTrace(evaluator, pipeline, ScanFields.ToTrace(scanned), visit);
            }
            if (rolledUp is null) await store.ScanAsync(scanRequest, Visit, cancellationToken).ConfigureAwait(false);
            else await store.ScanRolledUpAsync(scanRequest, SpanMetricsRollup.Instance, Visit, rolledUp.Merge, cancellationToken).ConfigureAwait(false);
            if (refused is not null) throw Refused(refused);
            return;
        }
        var (conditions, all) = Pushdown.Conditions(pipeline);
        var matches = await store.FetchAsync(new FetchRequest(range, conditions, all, _limits.MaxTracesInspected + 1) { AnywhereKeys = Pushdown.AnywhereKeys(pipeline) }, cancellationToken)
            .ConfigureAwait(false);
        foreach (var match in matches)
        {
            if (!cost.TryInspect(match.Summary.SpanCount)) throw Refused(cost.LimitReached!);
            var trace = await store.GetTraceAsync(match.Summary.TraceId, cancellationToken).ConfigureAwait(false);
            if (trace is not null) EvaluateTrace(evaluator, pipeline, trace, visit);
        }
    }

    private static void EvaluateTrace(PipelineEvaluator evaluator, Pipeline pipeline, IReadOnlyList<ResourceSpans> trace, Action<SpanRecord> visit)
    {
        var spans = TraceSpans.Build(trace);
        if (spans.Count == 0) return;
        var seen = new HashSet<SpanRecord>();
        foreach (var spanset in evaluator.Evaluate(pipeline, [new Spanset(spans)]))
        foreach (var span in spanset.Spans)
            if (seen.Add(span)) visit(span);
    }

    /// <summary>
    /// Exemplars as Tempo answers them (attachExemplars, SeriesSet.ToProto): one without a value of its own takes
    /// the series' value in its interval; one whose interval has no value (after topk or a filter) is dropped;
    /// oldest first.
    /// </summary>
    private static void AttachExemplars(Series series)
    {
        foreach (var exemplar in series.Exemplars)
            if (double.IsNaN(exemplar.Value)) exemplar.Value = series.Values[exemplar.Interval];
        series.Exemplars.RemoveAll(x => double.IsNaN(x.Value) || double.IsNaN(series.Values[x.Interval]));
        series.Exemplars.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
    }

    private static TraceQlException Refused(string limit) =>
        new(TraceQlErrorKind.Validation, $"the metrics query was stopped after it {limit}: narrow the time range or the filter");
}
