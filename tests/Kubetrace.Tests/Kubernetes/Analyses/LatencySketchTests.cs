using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage.Encoding;

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

    [Fact]
    public void Merging_two_sketches_gives_exactly_the_sketch_fed_both_streams()
    {
        var random = new Random(11);
        var values = Enumerable.Range(0, 100_000).Select(_ => (long)Math.Exp(random.NextDouble() * 22)).ToArray();
        var (first, second, both) = (new LatencySketch(), new LatencySketch(), new LatencySketch());
        for (var i = 0; i < values.Length; i++)
        {
            (i < 30_000 ? first : second).Record(values[i]);
            both.Record(values[i]);
        }
        // Disjoint ranges too: the merged-into sketch must grow on both sides.
        var (low, high) = (new LatencySketch(), new LatencySketch());
        low.Record(1_000);
        high.Record(5_000_000_000);

        first.Merge(second);
        high.Merge(low);

        Assert.Equal(Bytes(both), Bytes(first));
        Assert.Equal((both.Count, both.Sum, both.Max), (first.Count, first.Sum, first.Max));
        foreach (var q in new[] { 0.001, 0.5, 0.95, 0.99, 1.0 }) Assert.Equal(both.Percentile(q), first.Percentile(q));
        Assert.Equal((1_000L, 5_000_000_000L, 2L), (high.Percentile(0.5), high.Percentile(1), high.Count));
    }

    [Fact]
    public void A_sketch_written_and_read_back_is_the_same_sketch_and_costs_a_few_bytes_per_occupied_bucket()
    {
        var sketch = new LatencySketch();
        foreach (var ms in new long[] { 0, 3, 250, 250, 7_000, 12, 1_000_000 }) sketch.Record(ms * 1_000_000 + ms);
        var bytes = Bytes(sketch);

        var read = LatencySketch.ReadFrom(new ByteReader(bytes));

        Assert.Equal(bytes, Bytes(read));
        Assert.Equal((sketch.Count, sketch.Sum, sketch.Max, sketch.Percentile(0.5)), (read.Count, read.Sum, read.Max, read.Percentile(0.5)));
        Assert.InRange(bytes.Length, 6 * 3, 6 * 8 + 6);
        Assert.Equal(0, LatencySketch.ReadFrom(new ByteReader(Bytes(new LatencySketch()))).Count);
    }

    [Fact]
    public void Truncated_or_impossible_sketch_bytes_are_refused()
    {
        var sketch = new LatencySketch();
        sketch.Record(42_000_000);
        var bytes = Bytes(sketch);

        Assert.Throws<InvalidDataException>(() => LatencySketch.ReadFrom(new ByteReader(bytes[..^1])));
        // One occupied bucket, max 1, from bucket 10,000 on: past the bucket of long.MaxValue.
        var writer = new ByteWriter();
        foreach (var value in new long[] { 1, 1, 10_000, 0, 0, 1, 0 }) writer.WriteVarint(value);
        Assert.Throws<InvalidDataException>(() => LatencySketch.ReadFrom(new ByteReader(writer.WrittenSpan.ToArray())));
    }

    private static byte[] Bytes(LatencySketch sketch)
    {
        var writer = new ByteWriter();
        sketch.WriteTo(writer);
        return writer.WrittenSpan.ToArray();
    }
}
