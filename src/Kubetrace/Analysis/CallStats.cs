using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>Calls of one kind (an edge, an operation): their latency, how many failed, and the sample they rest on. Merges exactly.</summary>
/// <remarks>
/// Long-running requests (<see cref="LongRunningRequests"/>: watches, exec sessions, logs, ...; "watches" here for
/// short) count as calls (and errors) but not in <see cref="Latency"/>: their duration is how long the client kept them. Their examples are kept apart, given only when the calls are all watches.
/// </remarks>
public sealed class CallStats
{
    private ExampleTraces? _watchExamples;

    /// <summary>The durations of the calls that are not watch streams.</summary>
    public LatencySketch Latency { get; } = new();

    public long Calls => Latency.Count + Watches;

    /// <summary>Calls that are watch streams: in <see cref="Calls"/> and <see cref="Errors"/>, not in <see cref="Latency"/>.</summary>
    public long Watches { get; private set; }

    public long Errors { get; private set; }

    /// <summary>The sampled traces and calls behind these, by sampling decision.</summary>
    public SampleTally Sample { get; } = new();

    public double ErrorRate => Calls == 0 ? 0 : (double)Errors / Calls;

    /// <summary>The slowest and a typical call, each a trace and the span it was measured on.</summary>
    public ExampleTraces Examples { get; } = new();

    /// <summary>A call measured on <paramref name="span"/> of the trace <paramref name="sampling"/> began (the row's example too).</summary>
    public void Record(long nanos, bool error, TraceSampling sampling, ScannedSpan span, bool watch = false) =>
        Record(nanos, error, sampling.BasisOf(span), sampling.Stamp, sampling.TraceId, span.SpanId, watch);

    /// <summary>
    /// A call measured on span <paramref name="spanId"/> of <paramref name="trace"/> whose sampling decision was read
    /// earlier (a link edge's, matched when the graph is read); a watch stream counts apart from the latency.
    /// </summary>
    public void Record(long nanos, bool error, SamplingBasis basis, long stamp, TraceId trace, ulong spanId, bool watch)
    {
        if (!watch)
        {
            Record(nanos, error, basis, stamp);
            Examples.Record(trace, spanId, nanos);
            return;
        }
        Watches++;
        if (error) Errors++;
        Sample.Record(basis, stamp, error);
        (_watchExamples ??= new ExampleTraces()).Record(trace, spanId, nanos);
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
        Watches += other.Watches;
        if (other._watchExamples is { } theirs) (_watchExamples ??= new ExampleTraces()).Merge(theirs);
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

    /// <summary>
    /// What <see cref="WriteTo"/> leaves out, the watch streams: a separate part, so that the rollups of analyses
    /// that never count watches keep their layout (only the states that classify watches write it).
    /// </summary>
    internal void WriteWatchesTo(ByteWriter writer)
    {
        writer.WriteVarint(Watches);
        if (Watches > 0) _watchExamples!.WriteTo(writer);
    }

    /// <summary>Adds what <see cref="WriteWatchesTo"/> wrote.</summary>
    internal void MergeWatchesFrom(ByteReader reader)
    {
        var watches = reader.ReadLong();
        if (watches == 0) return;
        Watches += watches;
        (_watchExamples ??= new ExampleTraces()).MergeFrom(reader);
    }

    /// <summary>The calls' examples, the typical one nearest their median; a watch's only when every call is one
    /// (the shortest of the random picks is given as typical: a watch has no typical duration).</summary>
    public RowExamples? ExamplesReport() => Examples.Report(Latency.Percentile(0.5)) ?? _watchExamples?.Report(0);
}
