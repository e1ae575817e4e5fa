using System.Numerics;

namespace Kubetrace.Bench.Measurement;

/// <summary>
/// Request latencies in microseconds, in log-linear buckets (16 per power of two, so within about 6%), recorded
/// without allocation or locking by one worker and merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 4;
    private const int SubBuckets = 1 << SubBucketBits;
    private readonly long[] _counts = new long[64 * SubBuckets];

    public long Count { get; private set; }

    public long MaxMicros { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0) micros = 0;
        _counts[BucketOf(micros)]++;
        Count++;
        if (micros > MaxMicros) MaxMicros = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    /// <summary>The latency below which <paramref name="quantile"/> of the requests fall (bucket midpoint), or 0 when empty.</summary>
    public double PercentileMicros(double quantile)
    {
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(quantile * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(Midpoint(i), MaxMicros);
        }
        return MaxMicros;
    }

    private static int BucketOf(long value)
    {
        if (value < SubBuckets) return (int)value;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)value) - SubBucketBits;
        return (shift + 1) * SubBuckets + (int)((value >> shift) & (SubBuckets - 1));
    }

    private static double Midpoint(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        var shift = bucket / SubBuckets - 1;
        var lower = (long)(SubBuckets + bucket % SubBuckets) << shift;
        return lower + ((1L << shift) - 1) / 2.0;
    }
}
