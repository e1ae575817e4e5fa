using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>One admission webhook call of a request, as <see cref="WebhookLatencyAnalysis"/> reads it.</summary>
public readonly record struct WebhookCall(
    int Phase, string Configuration, string Name, bool Mutating, string Resource, string Operation,
    long DurationNanos, bool Failed, bool TimedOut, ulong SpanId = 0);

/// <summary>
/// A request sent on from inside another: by the aggregation layer to an extension API server
/// (<paramref name="Aggregated"/>) or to the apiserver's own loopback address; <paramref name="Peer"/> the address
/// it went to (<c>host:port</c>), <paramref name="SpanIndex"/> the client span in the walked trace, under which the
/// served request's own spans hang when the serving apiserver followed the context.
/// </summary>
public readonly record struct ProxiedCall(bool Aggregated, string Peer, long DurationNanos, int SpanIndex);

/// <summary>
/// One kube-apiserver request found in a trace, with its time split by phase (<see cref="ApiserverPhase"/>).
/// Reused by <see cref="ApiserverRequestWalker"/> for the next request: copy what you keep.
/// </summary>
public sealed class ApiserverRequest
{
    /// <summary>The HTTP server span (<c>KubernetesAPI</c> or route-style).</summary>
    public ScannedSpan Root { get; internal set; } = new();

    /// <summary>Kubernetes verb, lower case (<c>get</c>, <c>list</c>, <c>create</c>, ...).</summary>
    public string Verb { get; internal set; } = "";

    /// <summary><c>pods</c>, <c>pods/status</c>, or <c>(non-resource)</c>.</summary>
    public string Resource { get; internal set; } = "";

    /// <summary>When the request started: its server span's start (from 1.33 that is after authentication, a trace of its own).</summary>
    public long StartUnixNano { get; internal set; }

    /// <summary>When it ended: the server span's end, or where 1.33 ends that span early, the last of its apiserver spans.</summary>
    public long EndUnixNano { get; internal set; }

    public long DurationNanos => Math.Max(0, EndUnixNano - StartUnixNano);

    /// <summary>Watches and connections: their duration is how long the client stayed, not latency.</summary>
    public bool IsLongRunning => ApiserverRoute.IsLongRunning(Verb);

    /// <summary>Whether the request carries its authentication span (through 1.32; from 1.33 it is a trace of its own).</summary>
    public bool HasAuthenticationSpan { get; internal set; }

    /// <summary>
    /// Whether it carries the nested filter spans (audit, impersonation, priorityandfairness, authorization: 1.34+);
    /// before, their time is in <see cref="ApiserverPhase.Rest"/>.
    /// </summary>
    public bool HasNestedFilters { get; internal set; }

    /// <summary>
    /// Whether it carries a KMS v2 envelope transformer span (1.29+, <see cref="ApiserverPhase.Encryption"/>): only
    /// then can its time in encryption be told apart (before 1.29, or with KMS v1, that time is in Rest).
    /// </summary>
    public bool HasEnvelopeSpans { get; internal set; }

    /// <summary>Nanoseconds per phase, adding up to the duration; index with <see cref="ApiserverPhase"/> or a webhook's phase.</summary>
    public double[] PhaseTime { get; internal set; } = [];

    public List<WebhookCall> Webhooks { get; } = [];

    /// <summary>Requests this one sent on (the aggregator's proxy, loopback calls), each charged to its phase with all under it.</summary>
    public List<ProxiedCall> Proxied { get; } = [];
}
