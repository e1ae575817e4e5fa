namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// The randomness a decision used and where it came from; the source is the <c>policy</c> label of the
/// Collector's <c>count_traces_sampled</c> metric.
/// </summary>
internal readonly record struct SpanRandomness(ulong Value, RandomnessSource Source)
{
    /// <summary>No randomness: only "always" (priority or fail-open) can keep the span, as in the Collector.</summary>
    public static SpanRandomness Missing { get; } = new(Sampling.SamplingRandomness.Mask, RandomnessSource.Missing);

    public bool IsMissing => Source == RandomnessSource.Missing;
}

internal enum RandomnessSource
{
    Missing,
    TraceIdHash,
    TraceIdW3C,
    ExplicitRv,
    TraceIdRatio,
    SamplingPriority,
}
