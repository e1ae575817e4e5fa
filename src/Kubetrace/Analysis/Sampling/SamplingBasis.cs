using System.Globalization;

namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// What an observation's chance of being kept rests on: the component whose sampler decided (its service name)
/// and, when the span carried one, the OpenTelemetry threshold (<see cref="OtelThreshold"/>; -1 when none). The
/// threshold is the sampler's own word and wins; otherwise the component's configured rate is looked up when the
/// analysis reports, so a rate given with the query applies to rollups built before it.
/// </summary>
public readonly record struct SamplingBasis(string Decider, long Threshold)
{
    /// <summary>How many real observations one sampled observation stands for; null when its rate is not known.</summary>
    public double? Weight(SamplingRates rates)
    {
        if (Threshold >= 0) return OtelThreshold.AdjustedCount(Threshold);
        return rates.RatePerMillion(Decider) is { } rate and > 0 ? 1_000_000.0 / rate : null;
    }

    /// <summary><c>apiserver 1 in 10,000 (samplingRatePerMillion 100)</c>, <c>etcd 1 in 4 (ot=th:c)</c>, <c>kubelet: rate unknown</c>.</summary>
    public string Describe(SamplingRates rates)
    {
        if (Threshold >= 0) return $"{Decider} {OneIn(OtelThreshold.AdjustedCount(Threshold))} (tracestate ot=th)";
        return rates.RatePerMillion(Decider) switch
        {
            null => $"{Decider}: rate unknown",
            0 => $"{Decider}: samplingRatePerMillion 0 (keeps only what a sampled caller asked for): rate unknown",
            var rate => $"{Decider} {OneIn(1_000_000.0 / rate.Value)} (samplingRatePerMillion {rate})",
        };
    }

    /// <summary><c>1 in 10,000</c>, <c>1 in 2.5</c>, <c>every one</c>.</summary>
    public static string OneIn(double weight) => weight <= 1 ? "every one"
        : "1 in " + weight.ToString(Math.Abs(weight - Math.Round(weight)) < 1e-9 ? "N0" : "#,0.##", CultureInfo.InvariantCulture);
}
