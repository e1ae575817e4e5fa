using Kubetrace.Bench.Measurement;

namespace Kubetrace.Tests.Bench;

public class LatencyHistogramTests
{
    [Fact]
    public void Percentiles_are_within_the_bucket_precision_of_the_exact_values()
    {
        var histogram = new LatencyHistogram();
        for (var micros = 1; micros <= 100_000; micros++)
            histogram.Record(micros);

        Assert.InRange(histogram.PercentileMicros(0.50), 50_000 * 0.94, 50_000 * 1.06);
        Assert.InRange(histogram.PercentileMicros(0.99), 99_000 * 0.94, 99_000 * 1.06);
        Assert.Equal(100_000, histogram.MaxMicros);
        Assert.Equal(100_000, histogram.Count);
    }

    [Fact]
    public void Merged_histograms_count_both_and_small_values_are_exact()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        for (var i = 0; i < 99; i++) a.Record(3);
        b.Record(7);

        a.Add(b);

        Assert.Equal(100, a.Count);
        Assert.Equal(3, a.PercentileMicros(0.5));
        Assert.Equal(7, a.PercentileMicros(1.0));
        Assert.Equal(0, new LatencyHistogram().PercentileMicros(0.99));
    }
}
