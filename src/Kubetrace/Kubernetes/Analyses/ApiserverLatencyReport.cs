using System.Text.Json.Serialization;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>What the <c>apiserver</c> analysis found (the JSON of <c>kubetrace analyze apiserver --json</c>).</summary>
public sealed record ApiserverLatencyReport(
    long Requests,
    long LongRunningLeftOut,
    long RequestsWithoutFilterSpans,
    string SortedBy,
    IReadOnlyList<ApiserverRequestGroup> Groups,
    SeparateAuthentication? SeparateAuthentication = null)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;

    /// <summary>Requests carrying a KMS v2 envelope transformer span (1.29+): without any, every row's KMS share is n/a.</summary>
    public long RequestsWithEnvelopeSpans { get; init; }
}

/// <summary>
/// Authentication spans that are traces of their own (Kubernetes 1.33+), joined to no request: their latency (1.33),
/// or why it cannot be read (<see cref="NotApplicable"/>, 1.34+, where the span lasts until its request ends).
/// </summary>
public sealed record SeparateAuthentication(long Spans, double? P50Ms, double? P95Ms, double? P99Ms, string? NotApplicable)
{
    /// <summary>The sampled traces behind the (authentication) row, scaled; its percentiles' bounds (none when n/a).</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical authentication trace (none when n/a).</summary>
    public Analysis.RowExamples? Examples { get; init; }
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
    /// <summary>Requests with the nested filter spans (1.34+): the authorization and priority-and-fairness shares rest on them.</summary>
    long RequestsWithFilterSpans,
    ApiserverPhaseShares Shares)
{
    /// <summary>The sampled traces and requests behind the row, scaled; its percentiles' bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical request of the row (trace, server span), as this analysis classified them.</summary>
    public Analysis.RowExamples? Examples { get; init; }
}

/// <summary>
/// Fractions of the group's total request time (they add up to 1). <see cref="Authentication"/> is null when no
/// request of the group carried its authentication span (from 1.33 it is a trace of its own); the other filter
/// phases are null when none carried the nested filter spans (before 1.34): that time is then inside <see cref="Rest"/>.
/// <see cref="Encryption"/> is the KMS envelope transformer's time inside storage, not counted in <see cref="Etcd"/>; null
/// when no request in the range carries an envelope span (the spans carry no release: before 1.29, with KMS v1 or
/// without KMS the time cannot be told, and is in <see cref="Rest"/>), a real 0 only where some request carries one.
/// A share that cannot be told is written as JSON null, never left out.
/// </summary>
public sealed record ApiserverPhaseShares(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Authentication,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Authorization,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? PriorityAndFairness,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? OtherFilters,
    double Webhooks,
    double Etcd,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Encryption,
    double Serialization,
    double Rest,
    IReadOnlyList<WebhookShare> ByWebhook,
    /// <summary>Requests proxied by the aggregation layer to an extension API server (1.31+, the proxy's span), the extension's own spans included.</summary>
    double AggregatedApi = 0,
    /// <summary>Requests the apiserver sent itself from inside the request (loopback calls in its trace), their served spans included.</summary>
    double NestedRequests = 0);

/// <summary>One webhook's (<c>configuration/webhook</c>) share of a group's time.</summary>
public sealed record WebhookShare(string Webhook, double Share);
