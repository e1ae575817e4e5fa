using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>What the <c>apiserver</c> analysis found (the JSON of <c>kubetrace analyze apiserver --json</c>).</summary>
public sealed record ApiserverLatencyReport(
    long Requests,
    long LongRunningLeftOut,
    long RequestsWithoutFilterSpans,
    string SortedBy,
    IReadOnlyList<ApiserverRequestGroup> Groups)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>One verb and resource: latency percentiles (ms) and where the time went.</summary>
public sealed record ApiserverRequestGroup(
    string Verb,
    string Resource,
    long Count,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MeanMs,
    long RequestsWithFilterSpans,
    ApiserverPhaseShares Shares)
{
    /// <summary>The sampled traces and requests behind the row, scaled; its percentiles' bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>
/// Fractions of the group's total request time (they add up to 1). The filter phases are null when no request
/// of the group carried filter spans (before Kubernetes 1.34): that time is then inside <see cref="Rest"/>.
/// <see cref="Encryption"/> is the KMS envelope transformer's time inside storage, not counted in <see cref="Etcd"/>.
/// </summary>
public sealed record ApiserverPhaseShares(
    double? Authentication,
    double? Authorization,
    double? PriorityAndFairness,
    double? OtherFilters,
    double Webhooks,
    double Etcd,
    double Encryption,
    double Serialization,
    double Rest,
    IReadOnlyList<WebhookShare> ByWebhook);

/// <summary>One webhook's (<c>configuration/webhook</c>) share of a group's time.</summary>
public sealed record WebhookShare(string Webhook, double Share);
