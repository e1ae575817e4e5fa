using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Analysis.CriticalPath;

/// <summary>One span on the critical path: how much of the trace's latency was its own work.</summary>
public sealed record CriticalPathStep(
    string SpanId,
    string Service,
    string Name,
    int Depth,
    long StartUnixNano,
    long DurationNanos,
    long SelfOnPathNanos,
    double Share,
    IReadOnlyList<PathSegment> Segments)
{
    /// <summary>The one sampled trace behind the step, and what it stands for.</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>
/// The critical path of one trace: <see cref="Path"/> in the order it is walked from the root, whose
/// <see cref="CriticalPathStep.SelfOnPathNanos"/> sum to <see cref="DurationNanos"/>.
/// </summary>
public sealed record CriticalPathReport(
    string TraceId,
    string RootService,
    string RootName,
    long StartUnixNano,
    long DurationNanos,
    IReadOnlyList<CriticalPathStep> Path,
    IReadOnlyList<SkewAdjustment> SkewAdjustments,
    IReadOnlyList<string> ClippedSpanIds,
    IReadOnlyList<string> Notes)
{
    /// <summary>The trace's sampling: how many traces like it it stands for.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}
