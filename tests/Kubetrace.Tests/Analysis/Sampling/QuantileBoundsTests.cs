using System.Numerics;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Tests.Analysis.Sampling;

/// <summary>
/// The order-statistic bounds of a percentile against the exact binomial computation: sums of C(n,i)·aⁱ·(b−a)ⁿ⁻ⁱ
/// over bⁿ in whole numbers, so no rounding can hide an off-by-one rank.
/// </summary>
public sealed class QuantileBoundsTests
{
    /// <summary>The exact 95% ranks for q = a/b: the largest l with P(B ≤ l−1) ≤ 1/40 and the smallest u with P(B ≤ u−1) ≥ 39/40.</summary>
    private static (long? Low, long? High) ExactRanks(int n, int a, int b)
    {
        var total = BigInteger.Pow(b, n);
        var cumulative = BigInteger.Zero;
        long? low = null, high = null;
        var binomial = BigInteger.One; // C(n, i)
        for (var i = 0; i < n; i++)
        {
            if (i > 0) binomial = binomial * (n - i + 1) / i;
            cumulative += binomial * BigInteger.Pow(a, i) * BigInteger.Pow(b - a, n - i); // P(B ≤ i) · bⁿ
            if (40 * cumulative <= total) low = i + 1;
            if (high is null && 40 * cumulative >= 39 * total) high = i + 1;
        }
        return (low, high);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(9, 10)]
    [InlineData(19, 20)]
    [InlineData(99, 100)]
    [InlineData(999, 1000)]
    public void Ranks_match_the_exact_binomial_computation(int a, int b)
    {
        var q = (double)a / b;
        foreach (var n in Enumerable.Range(1, 80).Concat([97, 150, 299, 300, 366, 367, 368, 500, 1000, 2000]))
            Assert.True(ExactRanks(n, a, b) == QuantileBounds.Ranks(n, q), $"n={n}, q={a}/{b}: exact {ExactRanks(n, a, b)}, got {QuantileBounds.Ranks(n, q)}");
    }

    [Fact]
    public void A_p99_has_a_sample_above_it_at_97_5_percent_only_from_368_samples()
    {
        // 0.99³⁶⁷ = 2.501% > 2.5% ≥ 0.99³⁶⁸.
        Assert.Equal((368L, 72L, 6L), (QuantileBounds.SamplesForUpperBound(0.99), QuantileBounds.SamplesForUpperBound(0.95), QuantileBounds.SamplesForUpperBound(0.5)));
        Assert.Null(QuantileBounds.Ranks(367, 0.99).High);
        Assert.Equal(368, QuantileBounds.Ranks(368, 0.99).High);
        Assert.Equal((19L, (long?)null), QuantileBounds.Ranks(20, 0.99)); // 20 samples: at least the second largest, no upper bound
        Assert.Equal(((long?)null, (long?)null), QuantileBounds.Ranks(1, 0.5)); // one sample bounds no median
    }

    [Fact]
    public void The_cumulative_probability_over_a_million_samples_agrees_with_a_sum_of_terms()
    {
        const long n = 1_000_000;
        const double q = 0.99;
        foreach (var k in new long[] { 989_500, 989_900, 990_000, 990_200 })
        {
            // ln P(B = i) by log-gamma, summed from far in the tail (terms below 1e-300 do not count).
            double sum = 0;
            for (var i = k - 5_000; i <= k; i++)
                sum += Math.Exp(Binomial.LogGamma(n + 1) - Binomial.LogGamma(i + 1) - Binomial.LogGamma(n - i + 1) + i * Math.Log(q) + (n - i) * Math.Log(1 - q));
            Assert.Equal(sum, Binomial.Cdf(k, n, q), 1e-9);
        }
    }

    [Fact]
    public void Error_rate_intervals_are_the_clopper_pearson_ones()
    {
        var (low, high) = ProportionBounds.Of(0, 1);
        Assert.Equal((0.0, 0.975), (low, Math.Round(high, 9))); // 0 errors in 1 call: could be 97.5%
        (low, high) = ProportionBounds.Of(0, 1000);
        Assert.Equal(1 - Math.Pow(0.025, 1.0 / 1000), high, 9); // P(no error in 1000) = 2.5% at the upper end
        (low, high) = ProportionBounds.Of(5, 20);
        Assert.Equal(0.025, 1 - Binomial.Cdf(4, 20, low), 9);
        Assert.Equal(0.025, Binomial.Cdf(5, 20, high), 9);
    }

    [Fact]
    public void Bounds_are_read_from_the_sketch_at_their_ranks_and_marked()
    {
        var sketch = new LatencySketch();
        for (var i = 1; i <= 20; i++) sketch.Record(i * 1_000_000L);

        var p99 = RowSamples.Bound("p99", 0.99, sketch);
        var p50 = RowSamples.Bound("p50", 0.5, sketch);

        Assert.Equal(("≥", 19L, 19.0, (double?)null), (p99.Mark, p99.LowRank!.Value, p99.LowMs!.Value, p99.HighMs));
        Assert.Equal(("", 6L, 15L), (p50.Mark, p50.LowRank!.Value, p50.HighRank!.Value)); // exact: ranks 6 and 15 of 20
        Assert.Equal("≥19ms", SampleText.Percentile(new RowSamples(SamplingRates.Unknown).Of(new SampleTally(), sketch), "p99", 20));
    }
}
