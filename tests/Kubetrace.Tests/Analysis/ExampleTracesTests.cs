using Kubetrace.Analysis;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Tests.Analysis;

/// <summary>
/// A row's examples are its slowest observation and the random pick nearest its median, chosen from the set of
/// observations alone: states merged in any order, or read back from rollup bytes, give the same examples.
/// </summary>
public sealed class ExampleTracesTests
{
    private static readonly (TraceId Trace, ulong Span, long Nanos)[] Observations = Enumerable.Range(1, 200)
        .Select(i => (new TraceId((UInt128)i << 64 | (UInt128)(ulong)i), (ulong)(1000 + i), (long)(i % 50 + 1) * 1_000_000))
        .ToArray();

    [Fact]
    public void The_slowest_is_the_longest_observation_and_the_typical_one_lies_near_the_median()
    {
        var examples = new ExampleTraces();
        foreach (var (trace, span, nanos) in Observations) examples.Record(trace, span, nanos);

        var report = examples.Report(25_000_000)!;

        Assert.Equal(50, report.Slowest.DurationMs);
        var longest = Observations.Where(o => o.Nanos == 50_000_000).ToList();
        var slowest = Assert.Single(longest, o => o.Trace.ToString() == report.Slowest.TraceId);
        Assert.Equal(slowest.Span.ToString("x16", System.Globalization.CultureInfo.InvariantCulture), report.Slowest.SpanId);
        Assert.InRange(report.Typical!.DurationMs, 15, 35); // nearest the median among 8 random picks of 1..50 ms
        Assert.Null(new ExampleTraces().Report(0));
    }

    [Fact]
    public void States_merged_in_any_order_or_read_back_from_bytes_give_the_same_examples()
    {
        var whole = new ExampleTraces();
        foreach (var (trace, span, nanos) in Observations) whole.Record(trace, span, nanos);
        var expected = whole.Report(25_000_000);

        foreach (var parts in new[] { 2, 3, 7 })
        {
            var states = Enumerable.Range(0, parts).Select(_ => new ExampleTraces()).ToArray();
            for (var i = 0; i < Observations.Length; i++) states[i % parts].Record(Observations[i].Trace, Observations[i].Span, Observations[i].Nanos);
            var merged = new ExampleTraces();
            foreach (var state in states.Reverse()) merged.Merge(RoundTrip(state));
            Assert.Equal(expected, merged.Report(25_000_000));
        }
    }

    private static ExampleTraces RoundTrip(ExampleTraces state)
    {
        var writer = new ByteWriter();
        state.WriteTo(writer);
        var read = new ExampleTraces();
        read.MergeFrom(new ByteReader(writer.WrittenSpan.ToArray()));
        return read;
    }
}
