using Kubetrace.Storage.Scan;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// An aggregate over whole traces that the embedded store keeps per block, so that an analysis of a long range
/// reads a few kilobytes per block instead of the block's spans (the way Tempo's metrics-generator and the
/// Collector's spanmetrics connector pre-aggregate at ingest, but per immutable block, so nothing is lost when the
/// question is asked later). Storage does not know what is aggregated: once a block has settled it feeds the
/// block's traces to <see cref="CreateAccumulator"/>, keeps the bytes beside the block, and hands them back from
/// <see cref="ITraceStore.ScanRolledUpAsync"/>. Analyses implement it and read their own bytes.
/// </summary>
public interface IRollup
{
    /// <summary>
    /// Identity and format version, file-name safe (e.g. <c>apiserver-1</c>). Change the version whenever the
    /// bytes' layout or meaning changes: rollups of another version are rebuilt, never misread.
    /// </summary>
    string Id { get; }

    /// <summary>The raw attribute keys the accumulator reads, by position (<see cref="ScannedSpan.Values"/>).</summary>
    IReadOnlyList<string> AttributeKeys { get; }

    /// <summary>A new, empty aggregate over every trace given to it (no time filter: storage decides the range).</summary>
    IRollupAccumulator CreateAccumulator();
}

/// <summary>One rollup being built: whole traces in, bytes out.</summary>
public interface IRollupAccumulator
{
    /// <summary>Adds one whole trace; as for scan visitors, the trace and its spans are reused after the call.</summary>
    void Add(ScannedTrace trace);

    /// <summary>The aggregate, in the analysis's own format, to be read back and merged by the analysis.</summary>
    byte[] ToBytes();
}
