using System.Globalization;
using Kubetrace.Components;
using Kubetrace.Processors.Sampling;

namespace Kubetrace.Processors.ProbabilisticSampler;

/// <summary>
/// The <c>probabilistic_sampler</c> processor's configuration: the Collector's keys, defaults and messages
/// (processor/probabilisticsamplerprocessor/config.go, factory.go), plus <c>sampling_rate_per_million</c> with
/// the meaning it has in Kubernetes' TracingConfiguration.
/// </summary>
public sealed class ProbabilisticSamplerConfig : IValidatableConfig, IConfigWithWarnings
{
    /// <summary>Percentage of traces kept; 0 keeps none, 100 or more keeps all. A float32, as in the Collector.</summary>
    public float SamplingPercentage { get; set; }

    /// <summary>Seed of the FNV hash; setting it selects mode hash_seed when mode is unset.</summary>
    public uint HashSeed { get; set; }

    /// <summary>hash_seed, proportional or equalizing; null (unset) chooses as the Collector does.</summary>
    public SamplerMode? Mode { get; set; }

    /// <summary>Drop (true) or keep (false) spans whose randomness or tracestate cannot be used.</summary>
    public bool FailClosed { get; set; } = true;

    /// <summary>Hex digits of the written <c>th</c> value, 1 to 14.</summary>
    public int SamplingPrecision { get; set; } = 4;

    /// <summary>Logs only in the Collector: <c>traceID</c> or <c>record</c>.</summary>
    public string AttributeSource { get; set; } = "traceID";

    /// <summary>Logs only in the Collector.</summary>
    public string FromAttribute { get; set; } = "";

    /// <summary>Logs only in the Collector; spans always use their <c>sampling.priority</c> attribute.</summary>
    public string SamplingPriority { get; set; } = "";

    /// <summary>
    /// Kubetrace: sample like a Kubernetes component with this <c>samplingRatePerMillion</c> (the Go SDK's
    /// TraceIDRatioBased rule), so that the same traces are kept end to end. Excludes the other modes.
    /// </summary>
    public int? SamplingRatePerMillion { get; set; }

    /// <summary>The mode the processor runs, after the Collector's rule for an unset mode.</summary>
    public SamplerMode EffectiveMode => Mode ?? (HashSeed != 0 ? SamplerMode.HashSeed : SamplerMode.Proportional);

    public IEnumerable<ConfigProblem> Validate()
    {
        var first = FirstProblem();
        return first is null ? [] : [first.Value];
    }

    private ConfigProblem? FirstProblem()
    {
        double percentage = SamplingPercentage;
        if (!double.IsFinite(percentage))
            return new("sampling_percentage", $"sampling rate is invalid: {GoFormat(percentage)}%");
        var ratio = percentage / 100.0;
        if (ratio < 0)
            return new("sampling_percentage", $"sampling rate is negative: {percentage.ToString("F6", CultureInfo.InvariantCulture)}%");
        if (ratio > 0 && ratio < SamplingThreshold.MinProbability)
            return new("sampling_percentage", $"sampling rate is too small: {GoFormat(SamplingPercentage)}%");
        if (AttributeSource is not ("traceID" or "record"))
            return new("attribute_source", $"invalid attribute source: {AttributeSource}. Expected: traceID or record");
        if (SamplingPrecision == 0)
            return new("sampling_precision", "invalid sampling precision: 0");
        if (SamplingPrecision > SamplingThreshold.HexDigits || SamplingPrecision < 0)
            return new("sampling_precision", $"sampling precision is too great, should be <= 14: {SamplingPrecision}");
        if (SamplingRatePerMillion is { } rate)
        {
            if (rate is < 0 or > 1_000_000)
                return new("sampling_rate_per_million", $"sampling_rate_per_million must be between 0 and 1000000, got {rate}");
            if (SamplingPercentage != 0 || Mode is not null || HashSeed != 0)
                return new("sampling_rate_per_million",
                    "sampling_rate_per_million selects the Kubernetes components' TraceIDRatioBased rule; remove sampling_percentage, mode and hash_seed");
        }
        return null;
    }

    public IEnumerable<ConfigProblem> Warnings()
    {
        foreach (var (key, value) in new[] { ("from_attribute", FromAttribute), ("sampling_priority", SamplingPriority) })
            if (value.Length > 0)
                yield return new(key, $"{key} applies to logs only (as in the Collector); spans use their \"sampling.priority\" attribute");
    }

    /// <summary>Go's %g for a float32: shortest round-trip digits, lowercase exponent (two digits at least, as .NET writes it too).</summary>
    private static string GoFormat(double value) => double.IsPositiveInfinity(value) ? "+Inf"
        : double.IsNegativeInfinity(value) ? "-Inf"
        : double.IsNaN(value) ? "NaN"
        : ((float)value).ToString("R", CultureInfo.InvariantCulture).Replace("E", "e");
}
