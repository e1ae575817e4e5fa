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

    /// <summary>The largest k with P(B ≤ k) ≤ <paramref name="probability"/> (P(B ≤ 0) ≤ it holds).</summary>
    private static long LastAtMost(long n, double q, double probability)
    {
        // One incomplete-beta evaluation near the answer (the normal approximation's guess), then exact steps by
        // the ratio of neighbouring binomial terms: a row's bounds cost a few evaluations, not a binary search's.
        var k = Guess(n, q, probability);
        var cdf = Binomial.Cdf(k, n, q);
        var term = Term(k, n, q);
        while (cdf > probability && k > 0) // step down: P(B ≤ k−1) = P(B ≤ k) − P(B = k)
        {
            cdf -= term;
            term = Previous(term, k--, n, q);
        }
        while (k < n - 1)
        {
            var next = Next(term, k, n, q);
            if (cdf + next > probability) break;
            cdf += next;
            term = next;
            k++;
        }
        return k;
    }

    /// <summary>The smallest k with P(B ≤ k) ≥ <paramref name="probability"/> (P(B ≤ n−1) ≥ it holds).</summary>
    private static long FirstAtLeast(long n, double q, double probability)
    {
        var k = Guess(n, q, probability);
        var cdf = Binomial.Cdf(k, n, q);
        var term = Term(k, n, q);
        while (cdf < probability && k < n - 1)
        {
            term = Next(term, k++, n, q);
            cdf += term;
        }
        while (k > 0 && cdf - term >= probability)
        {
            cdf -= term;
            term = Previous(term, k--, n, q);
        }
        return k;
    }

    /// <summary>Where P(B ≤ k) is near <paramref name="probability"/> by the normal approximation, within 0..n−1.</summary>
    private static long Guess(long n, double q, double probability)
    {
        var z = probability < 0.5 ? -1.96 : 1.96;
        return Math.Clamp((long)Math.Round(n * q + z * Math.Sqrt(n * q * (1 - q))), 0, n - 1);
    }

    /// <summary>P(B = k).</summary>
    private static double Term(long k, long n, double q) => Math.Exp(Binomial.LogGamma(n + 1) - Binomial.LogGamma(k + 1) - Binomial.LogGamma(n - k + 1)
        + k * Math.Log(q) + (n - k) * double.LogP1(-q));

    /// <summary>P(B = k+1) from P(B = k).</summary>
    private static double Next(double term, long k, long n, double q) => term * (n - k) / (k + 1) * q / (1 - q);

    /// <summary>P(B = k−1) from P(B = k).</summary>
    private static double Previous(double term, long k, long n, double q) => term * k / (n - k + 1) * (1 - q) / q;
}
