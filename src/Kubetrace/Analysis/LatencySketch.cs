using Kubetrace.Storage.Encoding;

namespace Kubetrace.Analysis;

/// <summary>
/// Latency percentiles in bounded memory: a log-linear histogram of nanosecond durations. Each power of two is
/// split into 128 equal buckets, so every value shares its bucket only with values within 1/128 (0.78%) of it;
/// a percentile is the mean of the values in the bucket holding its rank, which is exact when they are all equal
/// (hand-built tests) and within 0.78% of the true nearest-rank value otherwise.
/// </summary>
/// <remarks>
/// An exact sort would need every duration kept: 7 million apiserver requests an hour at the benchmark's rate.
/// Buckets are held densely between the lowest and highest seen (a few thousand for three decades of latency).
/// Sketches merge exactly (<see cref="Merge"/>: bucket counts and sums add up), so per-block rollups of an
/// analysis give the percentiles a single scan would.
/// </remarks>
public sealed class LatencySketch
{
    private const int SubBucketBits = 7;
    private const int SubBuckets = 1 << SubBucketBits;

    private long[] _counts = [];
    private long[] _sums = [];
    private int _lowest; // bucket index of _counts[0]

    public long Count { get; private set; }

    public long Sum { get; private set; }

    public long Max { get; private set; }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    public void Record(long nanos)
    {
        if (nanos < 0) nanos = 0;
        var bucket = BucketOf(nanos);
        EnsureHolds(bucket);
        _counts[bucket - _lowest]++;
        _sums[bucket - _lowest] += nanos;
        Count++;
        Sum += nanos;
        if (nanos > Max) Max = nanos;
    }

    /// <summary>The nearest-rank percentile (<paramref name="quantile"/> in 0..1): the value at rank ⌈q·n⌉; 0 when empty.</summary>
    public long Percentile(double quantile)
    {
        var bucket = BucketAtPercentile(quantile);
        return bucket < 0 ? 0 : _sums[bucket - _lowest] / _counts[bucket - _lowest];
    }

    /// <summary>The <paramref name="rank"/>-th smallest value (1-based), as <see cref="Percentile"/> reads it: its bucket's mean; 0 when empty.</summary>
    public long ValueAtRank(long rank)
    {
        var bucket = BucketAtRank(rank);
        return bucket < 0 ? 0 : _sums[bucket - _lowest] / _counts[bucket - _lowest];
    }

    /// <summary>The bucket (see <see cref="BucketOf"/>) holding the nearest-rank percentile; -1 when empty.</summary>
    public int BucketAtPercentile(double quantile) => BucketAtRank((long)Math.Ceiling(quantile * Count));

    private int BucketAtRank(long rank)
    {
        if (Count == 0) return -1;
        rank = Math.Clamp(rank, 1, Count);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return _lowest + i;
        }
        return _lowest + _counts.Length - 1;
    }

    /// <summary>
    /// Adds every value <paramref name="other"/> recorded: afterwards this sketch is the one that would have
    /// recorded both streams (same counts, sums, maximum, and so the same percentiles).
    /// </summary>
    public void Merge(LatencySketch other)
    {
        if (other.Count == 0) return;
        var (first, last) = other.OccupiedRange();
        EnsureHolds(other._lowest + first);
        EnsureHolds(other._lowest + last);
        for (var i = first; i <= last; i++)
        {
            var at = other._lowest + i - _lowest;
            _counts[at] += other._counts[i];
            _sums[at] += other._sums[i];
        }
        Count += other.Count;
        Sum += other.Sum;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// Writes the occupied buckets only: the first and last (so a reader allocates once), then for each the gap to
    /// it, its count, and its sum above the bucket's lowest value (a few bits: every value of a bucket is within
    /// 0.78% of it), so a sketch costs ~4 bytes per occupied bucket.
    /// </summary>
    internal void WriteTo(ByteWriter writer)
    {
        if (Count == 0)
        {
            writer.WriteVarint(0);
            return;
        }
        var (first, last) = OccupiedRange();
        var occupied = 0;
        for (var i = first; i <= last; i++)
            if (_counts[i] > 0) occupied++;
        writer.WriteVarint(occupied);
        writer.WriteVarint(Max);
        writer.WriteVarint(_lowest + first);
        writer.WriteVarint(last - first);
        var previous = first - 1;
        for (var i = first; i <= last; i++)
        {
            if (_counts[i] == 0) continue;
            writer.WriteVarint(i - previous - 1);
            writer.WriteVarint(_counts[i]);
            writer.WriteVarint(_sums[i] - _counts[i] * LowestValueOf(_lowest + i));
            previous = i;
        }
    }

    /// <summary>Reads what <see cref="WriteTo"/> wrote; <see cref="InvalidDataException"/> when it cannot be a sketch.</summary>
    internal static LatencySketch ReadFrom(ByteReader reader)
    {
        var sketch = new LatencySketch();
        var occupied = reader.ReadInt();
        if (occupied == 0) return sketch;
        var max = reader.ReadLong();
        var first = reader.ReadInt();
        var span = reader.ReadInt();
        if (first + span > HighestBucket || occupied > span + 1)
            throw new InvalidDataException($"latency sketch: {occupied} buckets from {first} to {first + span}");
        sketch._lowest = first;
        sketch._counts = new long[span + 1];
        sketch._sums = new long[span + 1];
        var at = -1;
        for (var n = 0; n < occupied; n++)
        {
            at += reader.ReadInt() + 1;
            var count = reader.ReadLong();
            if (at > span || count <= 0) throw new InvalidDataException($"latency sketch: bucket {first + at} with {count} values");
            var sum = reader.ReadLong() + count * LowestValueOf(first + at);
            sketch._counts[at] = count;
            sketch._sums[at] = sum;
            sketch.Count += count;
            sketch.Sum += sum;
        }
        sketch.Max = max;
        return sketch;
    }

    /// <summary>The index of the bucket a value falls in; equal indexes mean "within 0.78% of each other".</summary>
    public static int BucketOf(long nanos)
    {
        if (nanos < SubBuckets) return (int)nanos;
        var exponent = 63 - (int)long.LeadingZeroCount(nanos); // ≥ SubBucketBits
        var shift = exponent - SubBucketBits;
        return ((shift + 1) << SubBucketBits) + (int)((nanos >> shift) & (SubBuckets - 1));
    }

    /// <summary>The smallest value of a bucket (inverse of <see cref="BucketOf"/> on bucket boundaries).</summary>
    public static long LowestValueOf(int bucket)
    {
        if (bucket < SubBuckets) return bucket;
        var shift = (bucket >> SubBucketBits) - 1;
        return (long)(SubBuckets + (bucket & (SubBuckets - 1))) << shift;
    }

    private static readonly int HighestBucket = BucketOf(long.MaxValue);

    /// <summary>The first and last bucket (offsets into the arrays) that hold values; only when not empty.</summary>
    private (int First, int Last) OccupiedRange()
    {
        var first = 0;
        while (_counts[first] == 0) first++;
        var last = _counts.Length - 1;
        while (_counts[last] == 0) last--;
        return (first, last);
    }

    private void EnsureHolds(int bucket)
    {
        if (_counts.Length == 0)
        {
            _lowest = bucket;
            _counts = new long[16];
            _sums = new long[16];
            return;
        }
        if (bucket < _lowest)
        {
            var grow = Math.Max(_lowest - bucket, _counts.Length / 2);
            grow = Math.Min(grow, _lowest);
            _counts = Shifted(_counts, grow);
            _sums = Shifted(_sums, grow);
            _lowest -= grow;
        }
        else if (bucket - _lowest >= _counts.Length)
        {
            var size = Math.Max(bucket - _lowest + 1, _counts.Length * 2);
            Array.Resize(ref _counts, size);
            Array.Resize(ref _sums, size);
        }
    }

    private static long[] Shifted(long[] values, int by)
    {
        var shifted = new long[values.Length + by];
        Array.Copy(values, 0, shifted, by, values.Length);
        return shifted;
    }
}
