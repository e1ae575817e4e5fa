namespace Kubetrace.Analysis;

/// <summary>Nearest-rank percentiles of durations (exact: analyses keep the values they rank).</summary>
public static class Percentiles
{
    /// <summary>The <paramref name="quantile"/> (0..1) of <paramref name="sorted"/> (ascending); 0 when empty.</summary>
    public static long Of(IReadOnlyList<long> sorted, double quantile)
    {
        if (sorted.Count == 0) return 0;
        var rank = (int)Math.Ceiling(quantile * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }

    /// <summary>Sorts a copy and takes the quantile.</summary>
    public static long OfUnsorted(IEnumerable<long> values, double quantile)
    {
        var sorted = values.ToList();
        sorted.Sort();
        return Of(sorted, quantile);
    }
}
