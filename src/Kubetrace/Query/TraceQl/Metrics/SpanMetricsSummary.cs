namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// Tempo's metrics summary (<c>/api/metrics/summary</c>; deprecated in Tempo 2.7, removed in 3.0, still called by
/// Grafana 10.x–11.x search editors' "Aggregate by" table under the <c>metricsSummary</c> feature toggle): per group of
/// the <c>groupBy</c> values, the spans the query matched that are servers or roots (what Tempo's local-blocks
/// processor keeps by default, <c>filter_server_spans</c>) and start in the range, how many of them have status
/// error, and their p50/p90/p95/p99 durations in nanoseconds (modules/querier SpanMetricsSummary).
/// </summary>
/// <remarks>
/// Run as one instant TraceQL metrics query, <c>query | { kind = server || nestedSetParent &lt; 0 } |
/// histogram_over_time(duration) by (groupBy..., status)</c>, so budgets, pushdown and rollups are the metrics
/// engine's (a filter on service, name, kind or status grouped by those is counted from the rollups). One difference from Tempo: its local blocks hold only the kept spans, so structural operators and
/// aggregates there see only servers and roots; here they see the whole trace and the kept spans are picked after.
/// </remarks>
public static class SpanMetricsSummary
{
    /// <summary>Tempo's limit on group-by attributes (traceqlmetrics maxGroupBys).</summary>
    public const int MaxGroupBy = 5;

    /// <summary>Tempo's histogram: 64 power-of-two buckets of nanoseconds.</summary>
    private const int Buckets = 64;

    /// <summary>One group: its values (keyed as the groupBy was written, canonically), and its figures.</summary>
    public sealed record Group(IReadOnlyList<KeyValuePair<string, Static>> Series, long SpanCount, long ErrorSpanCount, ulong P50, ulong P90, ulong P95, ulong P99);

    /// <summary>Tempo's groupBy: attributes separated by commas (each trimmed), 1 to <see cref="MaxGroupBy"/>.</summary>
    /// <exception cref="TraceQlException">Empty, too many, or not an attribute.</exception>
    public static IReadOnlyList<AttributeRef> ParseGroupBy(string text)
    {
        var identifiers = text.Split(',');
        if (identifiers.Length > MaxGroupBy) throw new TraceQlException(TraceQlErrorKind.Validation, $"max group by {MaxGroupBy} attributes exceeded");
        return identifiers.Select(id => ParseIdentifier(id.Trim())).ToList();
    }

    /// <summary>One attribute, read as the by() of a metrics query reads it; anything that makes more of that query
    /// than one attribute (a second one, a stage, a hint) is refused.</summary>
    private static AttributeRef ParseIdentifier(string id)
    {
        if (id.Length == 0) throw new TraceQlException(TraceQlErrorKind.Validation, "parsing groupby attribute: an attribute is required (e.g. resource.service.name)");
        RootExpr parsed;
        try
        {
            parsed = Parser.Parse("{ } | count_over_time() by (" + id + ")");
        }
        catch (TraceQlException e)
        {
            throw new TraceQlException(TraceQlErrorKind.Validation, $"parsing groupby attribute {id}: {e.Detail}");
        }
        if (parsed.Hints is not null || parsed.Expression.Stages.Count > 0 || parsed.Expression.Metrics?.By is not [var attribute])
            throw new TraceQlException(TraceQlErrorKind.Validation, $"parsing groupby attribute {id}: not one attribute");
        return attribute;
    }

    /// <summary>The summary of the spans starting in [<paramref name="start"/>, <paramref name="end"/>) (Unix ns),
    /// groups with the most spans first.</summary>
    public static async Task<IReadOnlyList<Group>> QueryAsync(MetricsEngine engine, RootExpr query, IReadOnlyList<AttributeRef> groupBy,
        long start, long end, CancellationToken cancellationToken)
    {
        if (query.Expression.IsMetrics) throw new TraceQlException(TraceQlErrorKind.Validation, "the metrics summary takes a search query, not a metrics query");
        if (end - 1 <= start) throw new TraceQlException(TraceQlErrorKind.Validation, "end must be after start");
        var kept = Parser.Parse("{ kind = server || nestedSetParent < 0 } | histogram_over_time(duration) by (status)").Expression;
        var histogram = new MetricsAggregate(MetricsOp.HistogramOverTime, kept.Metrics!.Attribute, [], [.. groupBy, .. kept.Metrics.By]);
        var expression = new QueryExpression { Pipeline = Kept(query.Expression.Pipeline!, (SpansetFilter)kept.Pipeline!.Elements[0]), Metrics = histogram };
        // An instant query's interval is closed at both ends: [start, end - 1 ns] is Tempo's [start, end).
        var request = new MetricsRequest(new RootExpr(expression, query.Hints), start, end - 1, end - 1 - start, Instant: true);
        var result = await engine.QueryAsync(request, cancellationToken).ConfigureAwait(false);

        var groups = new Dictionary<string, (IReadOnlyList<KeyValuePair<string, Static>> Series, long[] Buckets, long Errors)>(StringComparer.Ordinal);
        foreach (var series in result.Series)
        {
            var count = (long)series.Values[0];
            if (count <= 0) continue;
            var values = series.Labels.Take(groupBy.Count).ToList();
            var key = string.Join("\u0001", values.Select(v => v.Value.Type + ":" + v.Value));
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = (values, new long[Buckets], 0);
            group.Buckets[TempoBucket(series.Labels[^1].Value.AsFloat)] += count;
            if (series.Labels[groupBy.Count].Value is { Type: StaticType.Status } status && status.AsInt == (long)SpanStatus.Error) group.Errors += count;
            groups[key] = group;
        }
        return groups.Values
            .Select(g => new Group(g.Series, g.Buckets.Sum(), g.Errors, Percentile(g.Buckets, 0.5), Percentile(g.Buckets, 0.9), Percentile(g.Buckets, 0.95), Percentile(g.Buckets, 0.99)))
            .OrderByDescending(g => g.SpanCount)
            .ToList();
    }

    /// <summary>The query's spans that <paramref name="kept"/> keeps: one filter when the query is one (<c>{ a }</c>
    /// and <c>{ a } | { b }</c> keep the same spans), so that a query the rollups serve is still served by them.</summary>
    private static Pipeline Kept(Pipeline query, SpansetFilter kept) => query.Elements is [SpansetFilter only]
        ? new Pipeline([new SpansetFilter(new BinaryExpr(Op.And, only.Expression, kept.Expression))])
        : new Pipeline([.. query.Elements, kept]);

    /// <summary>Tempo's LatencyHistogram.Record bucket of a histogram_over_time bucket (seconds, the power of two of
    /// nanoseconds; -1 under 2 ns): its power, 0 under 2 ns, at most 63.</summary>
    private static int TempoBucket(double bucketSeconds) =>
        bucketSeconds < 0 ? 0 : Math.Clamp((int)Math.Round(Math.Log2(bucketSeconds * 1e9)), 0, Buckets - 1);

    /// <summary>
    /// Tempo's LatencyHistogram.Percentile (pkg/traceqlmetrics): the bucket holding the ⌈p·n⌉-th sample, then
    /// exponential interpolation from that bucket's lower bound by the share of samples still needed. Tempo divides
    /// by the count of the bucket after the one it stopped at, which is the right bucket except when the very first
    /// bucket (under 2 ns) already holds more than enough; there an empty next bucket divides by zero in Tempo, and
    /// the interpolation is taken as whole here.
    /// </summary>
    internal static ulong Percentile(long[] buckets, double p)
    {
        var total = buckets.Sum();
        if (double.IsNaN(p) || p is < 0 or > 1 || total == 0) return 0;
        var maxSamples = (long)Math.Ceiling(p * total);
        long consumed = 0;
        var bucket = 0;
        for (var b = 0; b < buckets.Length; b++)
        {
            if (consumed + buckets[b] <= maxSamples)
            {
                bucket = b;
                consumed += buckets[b];
                if (consumed < maxSamples) continue;
            }
            break;
        }
        double interpolation = 0;
        if (maxSamples - consumed > 0)
            interpolation = bucket + 1 < buckets.Length && buckets[bucket + 1] > 0 ? (double)(maxSamples - consumed) / buckets[bucket + 1] : 1;
        var duration = Math.Pow(2, bucket) * Math.Pow(2, interpolation);
        return duration >= ulong.MaxValue ? ulong.MaxValue : (ulong)duration;
    }
}
