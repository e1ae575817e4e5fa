using Kubetrace.Otlp.Proto.Trace;
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
/// the limits is refused rather than answered wrong.
/// </summary>
public sealed class MetricsEngine(ITraceStore store, TraceQlLimits? limits = null)
{
    private readonly TraceQlLimits _limits = limits ?? TraceQlLimits.Default;

    public async Task<MetricsResult> QueryAsync(MetricsRequest request, CancellationToken cancellationToken)
    {
        if (!request.Query.Expression.IsMetrics)
            throw new TraceQlException(TraceQlErrorKind.Validation, "not a metrics query: add a metrics function, e.g. {...} | rate()");
        if (request.Query.Expression.Leaves().Any(l => l.Metrics!.Op == MetricsOp.Compare))
            throw new TraceQlException(TraceQlErrorKind.Unsupported, "compare()");
        if (request.Step <= 0 && !request.Instant) throw new TraceQlException(TraceQlErrorKind.Validation, "step must be positive");
        if (request.End <= request.Start) throw new TraceQlException(TraceQlErrorKind.Validation, "end must be after start");
        if (request.IntervalCount > _limits.MaxPointsPerSeries)
            throw new TraceQlException(TraceQlErrorKind.Validation,
                $"the query asks for {request.IntervalCount} points per series, more than {_limits.MaxPointsPerSeries}: use a larger step");
        var cost = new QueryCost(_limits);
        var series = await EvaluateAsync(request.Query.Expression, request, cost, cancellationToken).ConfigureAwait(false);
        return new MetricsResult(series, cost);
    }

    private async Task<List<Series>> EvaluateAsync(QueryExpression e, MetricsRequest request, QueryCost cost, CancellationToken cancellationToken)
    {
        List<Series> series;
        if (e.Op == Op.None)
        {
            var aggregator = new SeriesAggregator(e.Metrics!, request, _limits);
            await ForEachSpanAsync(e.Pipeline!, e.Metrics!, request, cost, aggregator.Add, cancellationToken).ConfigureAwait(false);
            series = aggregator.Results();
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

    /// <summary>Every span the pipeline returns for traces with spans in the range, once each.</summary>
    private async Task ForEachSpanAsync(Pipeline pipeline, MetricsAggregate metrics, MetricsRequest request, QueryCost cost,
        Action<SpanRecord> visit, CancellationToken cancellationToken)
    {
        var evaluator = new PipelineEvaluator();
        var range = new TimeRange(request.Instant ? request.Start : request.AlignedStart, request.End + 1);
        if (ScanFields.Covers(pipeline, metrics))
        {
            string? refused = null;
            await store.ScanAsync(new Storage.Scan.SpanScanRequest(range, []), scanned =>
            {
                if (refused is not null) return;
                if (!cost.TryInspect(scanned.Spans.Count))
                {
                    refused = cost.LimitReached;
                    return;
                }
                EvaluateTrace(evaluator, pipeline, ScanFields.ToTrace(scanned), visit);
            }, cancellationToken).ConfigureAwait(false);
            if (refused is not null) throw Refused(refused);
            return;
        }
        var conditions = Pushdown.Conditions(pipeline);
        var matches = await store.FetchAsync(new FetchRequest(range, conditions, AllConditions: true, _limits.MaxTracesInspected + 1), cancellationToken)
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

    private static TraceQlException Refused(string limit) =>
        new(TraceQlErrorKind.Validation, $"the metrics query was stopped after it {limit}: narrow the time range or the filter");
}
