using Kubetrace.Analysis;

namespace Kubetrace.Tests.Analysis;

public class LatencyDigestTests
{
    [Fact]
    public void Few_values_give_exact_nearest_rank_percentiles()
    {
        var digest = new LatencyDigest();
        foreach (var value in new long[] { 50, 10, 40, 30, 20 }) digest.Add(value);

        Assert.Equal(30, digest.Percentile(0.5));
        Assert.Equal(50, digest.Percentile(0.99));
        Assert.Equal(10, digest.Percentile(0));
    }

    [Fact]
    public void Many_values_give_percentiles_within_two_percent()
    {
        var digest = new LatencyDigest();
        var random = new Random(3);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)(Math.Exp(random.NextDouble() * 20) * 1000)).ToArray();
        foreach (var value in values) digest.Add(value);
        Array.Sort(values);

        foreach (var q in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(digest.Percentile(q), exact * 0.98, exact * 1.02);
        }
        Assert.Equal(100_000, digest.Count);
    }
}
