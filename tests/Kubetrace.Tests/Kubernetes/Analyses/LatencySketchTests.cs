using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The percentile sketch the Kubernetes analyses use: nearest rank, within 0.78% of exact.</summary>
public sealed class LatencySketchTests
{
    [Fact]
    public void Percentiles_of_a_million_spread_durations_are_within_0_78_percent_of_the_exact_nearest_rank()
    {
        var random = new Random(7);
        var values = Enumerable.Range(0, 1_000_000).Select(_ => (long)Math.Exp(random.NextDouble() * 20)).ToArray();
        var sketch = new LatencySketch();
        foreach (var value in values) sketch.Record(value);
        Array.Sort(values);

        foreach (var q in new[] { 0.01, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(sketch.Percentile(q), exact * (1 - 1 / 128.0) - 1, exact * (1 + 1 / 128.0) + 1);
        }
        Assert.Equal(values.Length, sketch.Count);
        Assert.Equal(values[^1], sketch.Max);
    }

    [Fact]
    public void Equal_values_give_exact_percentiles_and_an_empty_sketch_gives_zero()
    {
        var sketch = new LatencySketch();
        Assert.Equal(0, sketch.Percentile(0.99));
        foreach (var ms in new long[] { 30, 10, 20 }) sketch.Record(ms * 1_000_000);

        Assert.Equal((10_000_000L, 20_000_000L, 30_000_000L), (sketch.Percentile(0.01), sketch.Percentile(0.5), sketch.Percentile(0.99)));
    }
}
