using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// The sampling rates the components were configured with (<see cref="SamplingRates"/>: configured, or given with
/// the query), read for a flow: they say how likely a step is to be missing only because it was not sampled. Every
/// Kubernetes component samples with ParentBased(TraceIDRatioBased): requests of untraced callers
/// (kube-controller-manager, kube-scheduler) and kubelet's pod syncs are roots, each kept at its own component's
/// ratio, so the steps of one action are kept independently.
/// </summary>
public sealed class FlowRates(SamplingRates rates)
{
    public static FlowRates Unknown { get; } = new(SamplingRates.Unknown);

    public int? RatePerMillion(string component) => rates.RatePerMillion(component);

    /// <summary><c> (samplingRatePerMillion 100: 1 in 10,000 kept)</c>, or that the rate was not told.</summary>
    public string Describe(string component) => RatePerMillion(component) switch
    {
        null => $" ({component}'s sampling rate was not told to Kubetrace)",
        0 => $" ({component} samplingRatePerMillion 0: kept only when a sampled caller's traceparent is followed)",
        >= 1_000_000 => $" ({component} samples every one: so it was not recorded, or is outside the range)",
        var rate => $" ({component} samplingRatePerMillion {rate}: 1 in {(1_000_000.0 / rate.Value).ToString("#,0.#", CultureInfo.InvariantCulture)} kept)",
    };

    /// <summary>
    /// How likely a flow of <paramref name="requests"/> root apiserver requests and <paramref name="syncs"/> kubelet
    /// syncs is recorded whole, when both rates are known: a sentence, or null.
    /// </summary>
    public string? Completeness(int requests, int syncs)
    {
        if (RatePerMillion("apiserver") is not { } apiserver || RatePerMillion("kubelet") is not { } kubelet) return null;
        var p = Math.Pow(apiserver / 1e6, requests) * Math.Pow(kubelet / 1e6, syncs);
        return $"At these rates (apiserver {apiserver}, kubelet {kubelet} per million) a flow of {requests} apiserver requests and {syncs} pod syncs, " +
               $"each sampled on its own, is recorded whole with probability {AnalysisText.Percent(p)}" +
               (p < 0.5 ? ": a missing step is more likely unsampled than absent." : ".");
    }
}
