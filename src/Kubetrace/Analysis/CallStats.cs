using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>Calls of one kind (an edge, an operation): their latency, how many failed, and the sample they rest on. Merges exactly.</summary>
public sealed class CallStats
{
    public LatencySketch Latency { get; } = new();

    public long Calls => Latency.Count;

    public long Errors { get; private set; }

    /// <summary>The sampled traces and calls behind these, by sampling decision.</summary>
    public SampleTally Sample { get; } = new();

    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;

    /// <summary>The slowest and a typical call, each a trace and the span it was measured on.</summary>
    public ExampleTraces Examples { get; } = new();

    /// <summary>A call measured on <paramref name="span"/> of the trace <paramref name="sampling"/> began (the row's example too).</summary>
    public void Record(long nanos, bool error, TraceSampling sampling, ScannedSpan span)
    {
        Record(nanos, error, sampling.BasisOf(span), sampling.Stamp);
        Examples.Record(sampling.TraceId, span.SpanId, nanos);
    }

    /// <summary>A call whose sampling decision was read from its span earlier (see <see cref="SampleTally.Record(SamplingBasis, long, bool)"/>).</summary>
    public void Record(long nanos, bool error, SamplingBasis basis, long stamp)
    {
        Latency.Record(nanos);
        if (error) Errors++;
        Sample.Record(basis, stamp, error);
    }

    public void Merge(CallStats other)
    {
        Latency.Merge(other.Latency);
        Errors += other.Errors;
        Sample.Merge(other.Sample);
        Examples.Merge(other.Examples);
    }

    internal void WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(Errors);
        Latency.WriteTo(writer);
        Sample.WriteTo(writer);
        Examples.WriteTo(writer);
    }

    /// <summary>Adds what <see cref="WriteTo"/> wrote.</summary>
    internal void MergeFrom(ByteReader reader)
    {
        Errors += reader.ReadLong();
        Latency.Merge(LatencySketch.ReadFrom(reader));
        Sample.MergeFrom(reader);
        Examples.MergeFrom(reader);
    }

    /// <summary>The calls' examples, the typical one nearest their median.</summary>
    public RowExamples? ExamplesReport() => Examples.Report(Latency.Percentile(0.5));
}
