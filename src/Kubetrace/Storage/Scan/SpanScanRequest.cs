namespace Kubetrace.Storage.Scan;

/// <summary>
/// What an analysis reads from storage: every trace with a span starting in <see cref="Range"/>, each span
/// reduced to the fields analyses use plus the values of <see cref="AttributeKeys"/> (raw keys as stored).
/// </summary>
/// <remarks>
/// Analyses aggregate millions of spans, so the scan is built for throughput: storage decodes only the columns
/// asked for and hands out reused objects (see <see cref="ScannedTrace"/>). Kubernetes names are resolved above
/// storage (Kubernetes/Semantics), which turns normalised keys into the raw keys to ask for here.
/// </remarks>
public sealed record SpanScanRequest(TimeRange Range, IReadOnlyList<string> AttributeKeys)
{
    /// <summary>
    /// For a rolled-up scan (<see cref="ITraceStore.ScanRolledUpAsync"/>): the rollup keeps each span's start and the
    /// caller drops what it counted before the range's start, so a rollup whose spans start before the range but none
    /// at or after its end stands in for its traces too (at a range's start edge, the block is not scanned).
    /// </summary>
    public bool RollupDropsEarlierSpans { get; init; }

    /// <summary>When set, only traces with at least one span of one of these services are delivered.</summary>
    public IReadOnlySet<string>? Services { get; init; }

    /// <summary>The position of a key in <see cref="AttributeKeys"/>, or -1.</summary>
    public int IndexOf(string key)
    {
        for (var i = 0; i < AttributeKeys.Count; i++)
            if (AttributeKeys[i] == key) return i;
        return -1;
    }
}
