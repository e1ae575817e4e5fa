using System.Globalization;

namespace Kubetrace.Telemetry;

/// <summary>
/// A histogram instrument with fixed bucket bounds (Prometheus <c>_bucket</c> / <c>_sum</c> / <c>_count</c>);
/// keep the reference and call <see cref="Record"/> on the hot path (a few atomic adds, no allocation).
/// </summary>
public sealed class Histogram : ISeries
{
    private readonly double[] _bounds;
    private readonly long[] _counts; // per bucket, not cumulative; the last one is +Inf
    private long _count;
    private double _sum;

    internal Histogram(double[] bounds)
    {
        _bounds = bounds.Order().ToArray();
        _counts = new long[_bounds.Length + 1];
    }

    public long Count => Interlocked.Read(ref _count);

    public double Sum => Volatile.Read(ref _sum);

    public void Record(double value)
    {
        var bucket = 0;
        while (bucket < _bounds.Length && value > _bounds[bucket]) bucket++;
        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Increment(ref _count);
        double seen, updated;
        do
        {
            seen = Volatile.Read(ref _sum);
            updated = seen + value;
        } while (Interlocked.CompareExchange(ref _sum, updated, seen) != seen);
    }

    double ISeries.Read() => Sum;

    /// <summary>Writes the series' lines; <paramref name="labels"/> is the rendered label set (maybe empty).</summary>
    internal void WriteTo(TextWriter writer, string name, string labels)
    {
        var prefix = labels.Length == 0 ? "{" : labels[..^1] + ",";
        long cumulative = 0;
        for (var i = 0; i <= _bounds.Length; i++)
        {
            cumulative += Interlocked.Read(ref _counts[i]);
            var le = i < _bounds.Length ? _bounds[i].ToString(CultureInfo.InvariantCulture) : "+Inf";
            writer.Write($"{name}_bucket{prefix}le=\"{le}\"}} {cumulative.ToString(CultureInfo.InvariantCulture)}\n");
        }
        writer.Write($"{name}_sum{labels} {Sum.ToString(CultureInfo.InvariantCulture)}\n");
        writer.Write($"{name}_count{labels} {Count.ToString(CultureInfo.InvariantCulture)}\n");
    }
}
