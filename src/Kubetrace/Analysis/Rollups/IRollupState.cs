using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.Rollups;

/// <summary>
/// The aggregate a scanning analysis builds, in a form that merges: states over disjoint sets of whole traces,
/// merged, equal the state over all of them. That is what lets the store keep one state per block
/// (<see cref="StateRollup{TState}"/>) and an analysis merge them instead of rescanning the block.
/// </summary>
internal interface IRollupState<TSelf> where TSelf : IRollupState<TSelf>
{
    /// <summary>What to ask the store for: the attribute keys the state reads and the services it looks at.</summary>
    SpanScanRequest ScanRequest { get; }

    /// <summary>Adds one whole trace (reused by the scanner after the call: copy what you keep).</summary>
    void Add(ScannedTrace trace);

    /// <summary>Adds everything <paramref name="other"/> holds, as if its traces had been added here.</summary>
    void Merge(TSelf other);

    void WriteTo(ByteWriter writer);

    /// <summary>Reads what <see cref="WriteTo"/> wrote, as a state over all time; <see cref="InvalidDataException"/> when it cannot.</summary>
    static abstract TSelf ReadFrom(ByteReader reader);
}
