namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>The Collector's <c>mode</c> values; unset picks hash_seed when a hash_seed is given, proportional otherwise.</summary>
public enum SamplerMode
{
    /// <summary>The legacy FNV hash of the trace ID with a seed: not consistent with other samplers.</summary>
    HashSeed,

    /// <summary>Consistent sampling that multiplies the probability already applied (th) by the configured one.</summary>
    Proportional,

    /// <summary>Consistent sampling that brings every span down to the configured probability, never below what it had.</summary>
    Equalizing,
}
