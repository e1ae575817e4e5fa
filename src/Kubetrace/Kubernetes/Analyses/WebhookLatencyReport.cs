using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>What the <c>webhooks</c> analysis found (the JSON of <c>kubetrace analyze webhooks --json</c>).</summary>
/// <param name="ApiserverP99Ms">The p99 latency of all apiserver requests (watches left out), whose tail the shares are of.</param>
/// <param name="ApiserverP99Requests">How many requests are at or above that p99.</param>
public sealed record WebhookLatencyReport(
    long Calls,
    double ApiserverP99Ms,
    long ApiserverP99Requests,
    string SortedBy,
    IReadOnlyList<WebhookLatency> Webhooks)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>One admission webhook (configuration and name).</summary>
/// <param name="Type"><c>mutating</c> or <c>validating</c> (<c>mutating+validating</c> when both span names carry these names).</param>
/// <param name="P50Ms">Added latency: how long the apiserver's <c>Call ... webhook</c> span lasted.</param>
/// <param name="ErrorRate">Failed calls (timeouts included) ÷ calls.</param>
/// <param name="Intercepts">Resource and admission operation pairs it was called for, most frequent first.</param>
/// <param name="ShareOfApiserverP99">Its share of the time of the apiserver requests at or above the apiserver's p99.</param>
/// <param name="MeanAddedAtApiserverP99Ms">Its time per request at or above the apiserver's p99 (ms).</param>
public sealed record WebhookLatency(
    string Configuration,
    string Name,
    string Type,
    long Calls,
    double P50Ms,
    double P99Ms,
    double MeanMs,
    long Errors,
    long Timeouts,
    double ErrorRate,
    double TimeoutRate,
    IReadOnlyList<WebhookIntercept> Intercepts,
    double ShareOfApiserverP99,
    double MeanAddedAtApiserverP99Ms)
{
    /// <summary>The sampled traces and calls behind the row, scaled; its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical call of the webhook (trace and its Call webhook span).</summary>
    public Analysis.RowExamples? Examples { get; init; }
}

public sealed record WebhookIntercept(string Resource, string Operation, long Calls);
