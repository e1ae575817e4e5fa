namespace Kubetrace.Analysis;

/// <summary>
/// Durations of one series (an edge, an operation) for percentiles: exact while small (up to
/// <see cref="ExactLimit"/> values, so hand-sized data gives exact answers), then log-linear buckets of 1/64 of
/// a power of two (under 1.6% relative error) in fixed memory, however many spans a scan reads.
/// </summary>
public sealed class LatencyDigest
{
    public const int ExactLimit = 1024;
    private const int SubBuckets = 64;

    private long[]? _exact = new long[16];
    private long[]? _buckets;

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Add(long nanos)
    {
        nanos = Math.Max(0, nanos);
        Max = Math.Max(Max, nanos);
        if (_exact is { } exact)
        {
            if (Count < ExactLimit)
            {
                if (Count == exact.Length)
                {
                    Array.Resize(ref exact, Math.Min(ExactLimit, exact.Length * 2));
                    _exact = exact;
                }
                exact[Count++] = nanos;
                return;
            }
            _buckets = new long[64 * SubBuckets];
            foreach (var value in exact) _buckets[BucketOf(value)]++;
            _exact = null;
        }
        _buckets![BucketOf(nanos)]++;
        Count++;
    }

    /// <summary>The nearest-rank percentile (<paramref name="quantile"/> in 0..1) in nanoseconds; 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        if (Count == 0) return 0;
        var rank = Math.Clamp((long)Math.Ceiling(quantile * Count), 1, Count);
        if (_exact is { } exact)
        {
            var sorted = exact.AsSpan(0, (int)Count).ToArray();
            Array.Sort(sorted);
            return sorted[rank - 1];
        }
        long seen = 0;
        for (var bucket = 0; bucket < _buckets!.Length; bucket++)
        {
            seen += _buckets[bucket];
            if (seen >= rank) return Math.Min(Max, Midpoint(bucket));
        }
        return Max;
    }

    /// <summary>Values below 64 get a bucket each; above, 64 buckets per power of two.</summary>
    private static int BucketOf(long value)
    {
        if (value < SubBuckets) return (int)value;
        var exponent = 63 - (int)long.LeadingZeroCount(value); // ≥ 6
        var sub = (int)((value >> (exponent - 6)) - SubBuckets);
        return (exponent - 5) * SubBuckets + sub;
    }

    private static long Midpoint(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        var exponent = bucket / SubBuckets + 5;
        var sub = bucket % SubBuckets;
        var low = (long)(SubBuckets + sub) << (exponent - 6);
        var width = 1L << (exponent - 6);
        return low + width / 2;
    }
}
