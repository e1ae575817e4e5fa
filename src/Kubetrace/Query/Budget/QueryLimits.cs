using Kubetrace.Storage;

namespace Kubetrace.Query.Budget;

/// <summary>
/// What one query may cost, whatever API it came through (the <c>kubetrace_query</c> extension's keys, docs/api.md
/// "Query limits"). A request beyond a limit that can be judged up front (a range, a limit, a spans-per-trace) is
/// refused with 400 naming the key; a search that reaches a limit while it runs stops and answers with what it has,
/// marked incomplete; the concurrency limit answers 429 or 503 with Retry-After.
/// </summary>
public sealed record QueryLimits
{
    public static QueryLimits Default { get; } = new();

    /// <summary>Longest time range one search may cover (Tempo's <c>max_duration</c>); zero: no limit. A search
    /// without a range covers this much before now.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromHours(168);

    /// <summary>Most traces one search may ask for (Tempo's <c>max_result_limit</c>).</summary>
    public int MaxResultLimit { get; init; } = TraceQuery.MaxLimit;

    /// <summary>Most matching spans listed per trace (Tempo's <c>max_spans_per_span_set</c>); 0: no limit.</summary>
    public int MaxSpansPerSpanSet { get; init; } = 1000;

    /// <summary>Most spans a search holds for its answer (whole traces for Jaeger, matching spans otherwise).</summary>
    public int MaxSpansPerQuery { get; init; } = 200_000;

    /// <summary>Most bytes (OTLP protobuf size) of spans one search answers with. The answer is streamed
    /// (<see cref="StreamedSearch{T}"/>): a search holds at most <see cref="HeldBytesPerQuery"/> of it at once, plus
    /// one trace being written (docs/benchmarks.md, "Memory per query").</summary>
    public long MaxBytesPerQuery { get; init; } = 8L << 20;

    /// <summary>Most bytes of the answer a search keeps in memory while it looks for the rest (an eighth of
    /// <see cref="MaxBytesPerQuery"/>): the traces beyond it are read again when the streamed answer reaches them.</summary>
    public long HeldBytesPerQuery => MaxBytesPerQuery / 8;

    /// <summary>A search stops collecting after this long and answers with what it has; any query still running
    /// <see cref="CancelGrace"/> later is cancelled (503).</summary>
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Queries running at once; more wait in a queue.</summary>
    public int MaxConcurrentQueries { get; init; } = 4;

    /// <summary>Queries waiting for a slot; one more is answered 429. A query waits at most <see cref="QueryTimeout"/>
    /// for its slot, then is answered 503.</summary>
    public int MaxQueuedQueries { get; init; } = 64;

    /// <summary>Time a search that stopped at its timeout still has to write its answer before it is cancelled.</summary>
    public TimeSpan CancelGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Refuses (400 naming the key) a search asking for more traces than <see cref="MaxResultLimit"/>.</summary>
    public void CheckResultLimit(int limit)
    {
        if (limit > MaxResultLimit)
            throw new QueryLimitException(QueryRefusal.BadRequest, "max_result_limit",
                $"limit {limit} is more than max_result_limit ({MaxResultLimit})");
    }

    /// <summary>Refuses a search listing more spans per trace than <see cref="MaxSpansPerSpanSet"/>.</summary>
    public void CheckSpansPerSpanSet(int spansPerTrace)
    {
        if (MaxSpansPerSpanSet > 0 && spansPerTrace > MaxSpansPerSpanSet)
            throw new QueryLimitException(QueryRefusal.BadRequest, "max_spans_per_span_set",
                $"{spansPerTrace} spans per trace is more than max_spans_per_span_set ({MaxSpansPerSpanSet})");
    }

    /// <summary>
    /// Refuses a range wider than <see cref="MaxDuration"/>. A range from 0 to the end of time is "no range" (Tempo's
    /// start=end=0: all data, newest first) and not held to it: such a search reads newest first and stops at its
    /// other limits like any other.
    /// </summary>
    public void CheckRange(TimeRange range)
    {
        if (MaxDuration <= TimeSpan.Zero || range == TimeRange.All) return;
        // Each API's end is inclusive at its own unit (µs, s), so a range of exactly max_duration may be a second over.
        var width = range.EndUnixNano - range.StartUnixNano;
        if (width > MaxDuration.Ticks * 100 + 1_000_000_000)
            throw new QueryLimitException(QueryRefusal.BadRequest, "max_duration",
                $"the range from start to end ({DurationText(width)}) is longer than max_duration ({DurationText(MaxDuration.Ticks * 100)})");
    }

    private static string DurationText(long nanos) =>
        nanos >= 86_400_000_000_000 * 3650L ? $"{nanos / 86_400_000_000_000 / 365} years"
        : TimeSpan.FromTicks(nanos / 100) is var t && t.TotalHours >= 1 ? $"{(long)t.TotalHours}h{t.Minutes}m{t.Seconds}s" : $"{t.TotalSeconds:0.###}s";
}
