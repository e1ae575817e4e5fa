using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Analysis.Compare;

/// <summary>
/// One span path in either or both traces. Durations are null on the side where the path is missing;
/// <see cref="DifferenceNanos"/> is B − A (a missing side counts as 0), and <see cref="SelfDifferenceNanos"/>
/// the change of the span's own time (duration minus its children), which points at where time was added.
/// </summary>
public sealed record ComparedSpan(
    string Path,
    string Service,
    string Name,
    int Depth,
    long? DurationA,
    long? DurationB,
    long DifferenceNanos,
    long SelfDifferenceNanos,
    string? SpanIdA,
    string? SpanIdB)
{
    /// <summary>The sampled traces behind the row: A, B or both.</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>Two traces side by side: every span path, biggest difference first.</summary>
public sealed record TraceComparison(
    string TraceA,
    string TraceB,
    long DurationA,
    long DurationB,
    int Matched,
    IReadOnlyList<ComparedSpan> Spans,
    IReadOnlyList<ComparedSpan> OnlyInA,
    IReadOnlyList<ComparedSpan> OnlyInB,
    IReadOnlyList<string> Notes)
{
    /// <summary>The two traces' sampling: how many traces like them they stand for.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}
