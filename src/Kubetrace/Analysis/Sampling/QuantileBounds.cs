namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// Which sampled values bound a true quantile, whatever the distribution: of n samples, the number B at or
/// below the true q-quantile is Bin(n, q), so the r-th smallest sample X₍ᵣ₎ is at or below it exactly when
/// B ≥ r. The 95% interval [X₍ₗ₎, X₍ᵤ₎] takes the largest l with P(B ≤ l−1) ≤ 2.5% and the smallest u with
/// P(B ≤ u−1) ≥ 97.5% (each side misses with at most 2.5%). With too few samples a side does not exist: no
/// sample is above the true p99 often enough until 0.99ⁿ ≤ 2.5%, that is n ≥ 368.
/// </summary>
public static class QuantileBounds
{
    /// <summary>The chance each side of the interval may miss (95% together).</summary>
    public const double TailProbability = 0.025;

    /// <summary>The ranks (1-based, ascending) of the samples bounding the q-quantile of n samples; null where none can.</summary>
    public static (long? Low, long? High) Ranks(long n, double quantile)
    {
        if (n <= 0) return (null, null);
        // P(B ≤ k) rises with k: the largest k with P(B ≤ k) ≤ 2.5% gives l = k + 1.
        long? low = Binomial.Cdf(0, n, quantile) > TailProbability ? null : LastAtMost(n, quantile, TailProbability) + 1;
        // The smallest k with P(B ≤ k) ≥ 97.5% gives u = k + 1; none when even k = n − 1 falls short.
        long? high = Binomial.Cdf(n - 1, n, quantile) < 1 - TailProbability ? null : FirstAtLeast(n, quantile, 1 - TailProbability) + 1;
        return (low, high);
    }

    /// <summary>The fewest samples that have a 95% upper bound for the quantile (0.99: 368; 0.95: 72; 0.5: 6).</summary>
    public static long SamplesForUpperBound(double quantile) =>
        (long)Math.Ceiling(Math.Log(TailProbability) / Math.Log(quantile) - 1e-9);

    private static long LastAtMost(long n, double q, double probability)
    {
        long lo = 0, hi = n - 1; // Cdf(lo) ≤ probability holds
        while (lo < hi)
        {
            var mid = lo + (hi - lo + 1) / 2;
            if (Binomial.Cdf(mid, n, q) <= probability) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    private static long FirstAtLeast(long n, double q, double probability)
    {
        long lo = 0, hi = n - 1; // Cdf(hi) ≥ probability holds
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (Binomial.Cdf(mid, n, q) >= probability) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }
}
