using Kubetrace.Processors.Sampling;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// The consistent-probability sampling threshold an OpenTelemetry sampler writes into the W3C <c>tracestate</c>
/// (<c>ot=th:fd70a4</c>; OpenTelemetry specification, "TraceState: Probability Sampling") as the analyses weigh it:
/// a span kept under threshold T stands for 2⁵⁶ / (2⁵⁶ − T) spans (its adjusted count); <c>th:0</c> keeps everything.
/// The text is read by the processors' parser (<see cref="OtelTraceState"/>), so an analysis and a sampler never
/// disagree on what a tracestate says.
/// </summary>
public static class OtelThreshold
{
    /// <summary>
    /// The rejection threshold in <paramref name="traceState"/>'s <c>ot</c> member; -1 when there is none or the
    /// tracestate is not valid. A malformed <c>rv</c> (the specification asks for exactly 14 lower-case hex digits,
    /// tracestate-handling.md "Explicit randomness value") counts as no threshold: the randomness the sampler
    /// compared with <c>th</c> is unknown, so <c>rv ≥ th</c> cannot be checked, and a threshold that cannot be
    /// checked for consistency is erased (tracestate-probability-sampling.md, "General requirements"). The
    /// OpenTelemetry Collector's pkg/sampling refuses the whole <c>ot</c> value alike.
    /// </summary>
    public static long Parse(string? traceState) =>
        !string.IsNullOrEmpty(traceState) && OtelTraceState.TryParse(traceState, out var state, out _) && state.Threshold is { } threshold
            ? (long)threshold.Unsigned
            : -1;

    /// <summary>How many spans one kept span with threshold <paramref name="threshold"/> stands for.</summary>
    public static double AdjustedCount(long threshold) => new SamplingThreshold((ulong)threshold).AdjustedCount;
}
