using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.TailSampling.Policies;

/// <summary>A policy's answer, as in the Collector; "inverted" answers come from invert_match.</summary>
internal enum Decision
{
    NotSampled,
    Sampled,
    InvertSampled,
    InvertNotSampled,
    Dropped,
}

/// <summary>
/// A decision, and for a probabilistic keep the threshold it applied (and the randomness it decided on, when that is
/// not the trace ID's own), so that the kept trace records its rate.
/// </summary>
internal readonly record struct PolicyDecision(Decision Decision, SamplingThreshold? Threshold = null, ulong? Randomness = null)
{
    public static PolicyDecision NotSampled { get; } = new(Decision.NotSampled);

    public static PolicyDecision Sampled { get; } = new(Decision.Sampled);

    public static PolicyDecision Of(bool sampled) => sampled ? Sampled : NotSampled;

    public static PolicyDecision Inverted(bool matched) => new(matched ? Decision.InvertNotSampled : Decision.InvertSampled);

    public bool Keeps => Decision is Decision.Sampled or Decision.InvertSampled;
}

/// <summary>One configured policy. Evaluate runs on the decision loop only, never concurrently with itself.</summary>
internal abstract class SamplingPolicy(string name)
{
    public string Name { get; } = name;

    public abstract PolicyDecision Evaluate(TraceData trace, long now);
}
