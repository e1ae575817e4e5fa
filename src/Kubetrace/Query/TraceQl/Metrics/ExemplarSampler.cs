namespace Kubetrace.Query.TraceQl.Metrics;

/// <summary>
/// Which spans become exemplars, as Tempo picks them: at most one span per trace and no more traces than the
/// limit over the whole query (metricsEvaluator.sampleExemplar), and per series the range cut into limit/2 equal
/// buckets of at most two exemplars each (util.go bucketSet), so exemplars spread over the range instead of
/// piling up at its start.
/// </summary>
internal sealed class ExemplarSampler(MetricsRequest request)
{
    private readonly int _limit = request.ExemplarLimit;
    private readonly HashSet<string> _traces = [];

    public bool Enabled => _limit > 0;

    /// <summary>Whether every trace the limit allows has been claimed (then nothing more is offered).</summary>
    public bool Full => _traces.Count >= _limit;

    /// <summary>Whether this span may stand for its trace: the first one seen of a trace, while traces remain.</summary>
    public bool Claims(SpanRecord span) => Claims(span.Span.TraceId.Span);

    /// <summary>As <see cref="Claims(SpanRecord)"/>, for a span known by its trace id only (a rollup's exemplar).</summary>
    public bool Claims(ReadOnlySpan<byte> traceId)
    {
        if (Full) return false;
        return _traces.Add(Convert.ToHexString(traceId));
    }

    public ExemplarBuckets NewBuckets() => new(_limit, request.AlignedStart / 1_000_000, request.AlignedEnd / 1_000_000);
}

/// <summary>One series' share of exemplars over time (see <see cref="ExemplarSampler"/>).</summary>
internal sealed class ExemplarBuckets
{
    private const int PerBucket = 2;
    private readonly int[] _counts;
    private readonly int _limit;
    private readonly long _startMs, _endMs, _widthMs;
    private int _total;

    public ExemplarBuckets(int limit, long startMs, long endMs)
    {
        _limit = limit;
        _counts = new int[Math.Max(1, limit / PerBucket)];
        _startMs = startMs;
        _endMs = endMs;
        _widthMs = Math.Max((endMs - startMs) / _counts.Length, 1);
    }

    /// <summary>Takes an exemplar starting at <paramref name="timestampMs"/> when its bucket and the series have room.</summary>
    public bool TryTake(long timestampMs)
    {
        if (_total >= _limit || timestampMs < _startMs || timestampMs > _endMs) return false;
        var bucket = (int)Math.Min((timestampMs - _startMs) / _widthMs, _counts.Length - 1);
        if (_counts[bucket] >= PerBucket) return false;
        _counts[bucket]++;
        _total++;
        return true;
    }
}
