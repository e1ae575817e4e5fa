namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// A TraceQL metrics query over [Start, End] in steps (Unix nanoseconds). A range query's intervals are
/// right-closed, aligned to the step: (start, start+step], ... each reported at its end, as Tempo's
/// IntervalMapperQueryRange; an instant query is one interval over the whole range.
/// </summary>
public sealed record MetricsRequest(RootExpr Query, long Start, long End, long Step, bool Instant = false)
{
    /// <summary>
    /// The most exemplars the answer carries (Tempo's <c>exemplars</c> parameter, capped by the frontend's
    /// <c>max_exemplars</c>, 100); an instant query has none, as in Tempo.
    /// </summary>
    public int Exemplars { get; init; } = MaxExemplars;

    /// <summary>Tempo's query-frontend default and cap (<c>metrics.max_exemplars</c>).</summary>
    public const int MaxExemplars = 100;

    /// <summary>compare()'s memory bound: counts kept at once, distinct values times steps (10M: 80 MB).</summary>
    public int CompareCells { get; init; } = 10_000_000;

    /// <summary>The exemplar limit after the query's <c>with(exemplars=N)</c> or <c>with(exemplars=false)</c> hint,
    /// which overrides the parameter (Tempo's normalizeRequestExemplars).</summary>
    public int ExemplarLimit
    {
        get
        {
            if (Instant) return 0;
            var limit = Query.Hint("exemplars") switch
            {
                { Type: StaticType.Int } n => (int)Math.Clamp(n.AsInt, 0, MaxExemplars),
                { Type: StaticType.Boolean, AsBool: false } => 0,
                _ => Exemplars,
            };
            return Math.Clamp(limit, 0, MaxExemplars);
        }
    }

    public long AlignedStart => Instant ? Start : Start - Start % Step;

    public long AlignedEnd => Instant ? End : End % Step == 0 ? End : End + (Step - End % Step);

    public int IntervalCount => Instant ? 1 : (int)((AlignedEnd - AlignedStart) / Step);

    /// <summary>The interval a span starting at <paramref name="time"/> falls in, or -1 outside the range.</summary>
    public int Interval(long time)
    {
        if (Instant) return time >= Start && time <= End ? 0 : -1;
        var start = AlignedStart;
        if (time <= start || time > AlignedEnd || Step == 0) return -1;
        var offset = time - start;
        var interval = offset / Step;
        if (interval * Step == offset) interval--;
        return (int)interval;
    }

    /// <summary>The timestamp (ms) an interval is reported at: its end.</summary>
    public long TimestampMs(int interval) => (Instant ? End : AlignedStart + (interval + 1L) * Step) / 1_000_000;

    /// <summary>Interval length in seconds (rate divides counts by it).</summary>
    public double StepSeconds => (Instant ? End - Start : Step) / 1e9;

    /// <summary>Tempo's default step: about 240 points, in round granularities (pkg/traceql DefaultQueryRangeStep).</summary>
    public static long DefaultStep(long start, long end)
    {
        var delta = end - start;
        var baseline = delta / 240;
        const long second = 1_000_000_000;
        if (delta < 60 * second)
        {
            const long g = 50_000_000;
            return baseline > g ? baseline / g * g : g;
        }
        foreach (var g in new[] { 3600 * second, 300 * second, 60 * second, 15 * second, 5 * second, second })
            if (baseline > g) return baseline / g * g;
        return second;
    }
}

/// <summary>One output series: labels (typed, in order) and a value per interval (NaN: no value).</summary>
public sealed class Series(IReadOnlyList<KeyValuePair<string, Static>> labels, int intervals)
{
    public IReadOnlyList<KeyValuePair<string, Static>> Labels { get; } = labels;

    public double[] Values { get; } = new double[intervals];

    /// <summary>Spans that stand for the series' values, oldest first once the query is done.</summary>
    public List<Exemplar> Exemplars { get; } = [];

    public string Key => string.Join(",", Labels.Where(l => l.Key != "__name__").Select(l => l.Key + "=" + l.Value.Type + ":" + l.Value));
}

/// <summary>
/// A span that stands for a series' value in one interval: its trace and span ids (labels <c>trace:id</c> and
/// <c>span:id</c>, as Grafana reads them), its start (ms) and a value; NaN until the series is done for rate,
/// count and histogram, whose exemplar value is the series' value in the exemplar's interval (Tempo's
/// attachExemplars).
/// </summary>
public sealed class Exemplar(string traceId, string spanId, long timestampMs, int interval, double value)
{
    public string TraceId { get; } = traceId;
    public string SpanId { get; } = spanId;
    public long TimestampMs { get; } = timestampMs;
    public int Interval { get; } = interval;
    public double Value { get; set; } = value;

    public Exemplar Copy() => new(TraceId, SpanId, TimestampMs, Interval, Value);

    public static Exemplar Of(SpanRecord span, int interval, double value) =>
        new(Evaluator.TrimmedHex(span.Span.TraceId.Span), Convert.ToHexStringLower(span.Span.SpanId.Span), span.StartUnixNano / 1_000_000, interval, value);
}
