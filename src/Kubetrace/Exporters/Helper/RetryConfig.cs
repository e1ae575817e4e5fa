using Kubetrace.Components;

namespace Kubetrace.Exporters.Helper;

/// <summary>The Collector's <c>retry_on_failure</c>: exponential back-off with jitter for retryable errors.</summary>
public sealed class RetryConfig
{
    public bool Enabled { get; set; } = true;

    public TimeSpan InitialInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Each delay is drawn from [interval × (1 − f), interval × (1 + f)] so that clients do not retry in lockstep.</summary>
    public double RandomizationFactor { get; set; } = 0.5;

    public double Multiplier { get; set; } = 1.5;

    public TimeSpan MaxInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Give up once this much time has gone by since the first attempt; zero means never give up.</summary>
    public TimeSpan MaxElapsedTime { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>Checked by the embedding exporter config (see <see cref="ExporterHelperConfigExtensions.ValidateHelper"/>), which prefixes the keys.</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        if (!Enabled) yield break;
        if (InitialInterval <= TimeSpan.Zero) yield return new ConfigProblem("initial_interval", "must be positive");
        if (RandomizationFactor is < 0 or > 1)
            yield return new ConfigProblem("randomization_factor", "must be between 0 and 1");
        if (Multiplier < 1) yield return new ConfigProblem("multiplier", "must be at least 1");
        if (MaxInterval < InitialInterval)
            yield return new ConfigProblem("max_interval", "must not be smaller than initial_interval");
        if (MaxElapsedTime < TimeSpan.Zero) yield return new ConfigProblem("max_elapsed_time", "must not be negative");
    }
}
