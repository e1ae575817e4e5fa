using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Where a kube-apiserver request spends its time, as the spans tell it. Each admission webhook is a phase of
/// its own (numbered from <see cref="FirstWebhook"/> by <see cref="ApiserverRequestWalker"/>).
/// </summary>
public static class ApiserverPhase
{
    /// <summary>The request's own code between its children: routing, decoding, validation, defaulting, writing the response.</summary>
    public const int Rest = 0;
    public const int Authentication = 1;
    public const int Authorization = 2;
    public const int PriorityAndFairness = 3;
    /// <summary>The audit and (constrained) impersonation filters.</summary>
    public const int OtherFilters = 4;
    /// <summary>Storage spans (<c>Get etcd3</c>, ...), the etcd client spans under them, and etcd's own server spans.</summary>
    public const int Etcd = 5;
    public const int Serialization = 6;
    /// <summary>
    /// Encryption at rest: the KMS v2 envelope transformer's spans (<c>TransformFromStorage with envelopeTransformer</c>,
    /// <c>TransformToStorage with envelopeTransformer</c>) inside the storage spans, taken out of <see cref="Etcd"/>.
    /// </summary>
    public const int Encryption = 7;
    /// <summary>
    /// A request proxied by the aggregation layer (1.31+: the proxy's otelhttp client span) and everything under it,
    /// the extension API server's own spans included: charged here once, never also to those spans' phases.
    /// </summary>
    public const int AggregatedApi = 8;

    /// <summary>A request the apiserver sent itself from inside this one (a loopback client span in its subtree) and all under it.</summary>
    public const int NestedRequests = 9;

    public const int FirstWebhook = 10;

    /// <summary>A span that starts a phase of its own; <see cref="None"/> when it belongs to its enclosing span's phase.</summary>
    public const int None = -1;

    /// <summary>The phase a span's name starts (names from the catalog, <see cref="ApiserverSpans"/>), webhooks as <see cref="FirstWebhook"/>.</summary>
    public static int Of(string spanName) => spanName switch
    {
        ApiserverSpans.Authentication => Authentication,
        ApiserverSpans.Authorization => Authorization,
        ApiserverSpans.PriorityAndFairness => PriorityAndFairness,
        ApiserverSpans.Audit or ApiserverSpans.Impersonation or ApiserverSpans.ConstrainedImpersonation => OtherFilters,
        ApiserverSpans.SerializeObject => Serialization,
        // The handler's own code: a phase of its own, not the enclosing filter's (from 1.34 the handler is the
        // authorization span's child, and that span lasts until the handler ends).
        _ when ApiserverSpans.IsHandler(spanName) => Rest,
        _ when IsTransform(spanName) => Encryption,
        _ when IsWebhook(spanName) => FirstWebhook,
        _ when IsStorage(spanName) || IsEtcdRpc(spanName) => Etcd,
        _ => None,
    };

    public static bool IsFilter(string spanName) => IsFilterPhase(Of(spanName));

    public static bool IsFilterPhase(int phase) => phase is Authentication or Authorization or PriorityAndFairness or OtherFilters;

    public static bool IsWebhook(string spanName) => ApiserverSpans.IsWebhook(spanName);

    /// <summary>The apiserver's storage layer: <c>Get etcd3</c>, <c>GuaranteedUpdate etcd3</c>, <c>List(recursive=true) etcd3</c>, ...</summary>
    public static bool IsStorage(string spanName) => spanName.EndsWith(" etcd3", StringComparison.Ordinal);

    /// <summary>A storage transformer's span: <c>TransformFromStorage with envelopeTransformer</c>, <c>TransformToStorage with ...</c>.</summary>
    public static bool IsTransform(string spanName) =>
        spanName.StartsWith("TransformFromStorage", StringComparison.Ordinal) || spanName.StartsWith("TransformToStorage", StringComparison.Ordinal);

    /// <summary>An etcd watch stream (<c>etcdserverpb.Watch/Watch</c>): open as long as its watcher stays, so its duration is not latency.</summary>
    public static bool IsEtcdWatch(string spanName) => spanName == "etcdserverpb.Watch/Watch";

    /// <summary>An etcd gRPC call, client or server side: <c>etcdserverpb.KV/Range</c>, <c>etcdserverpb.KV/Txn</c>, ...</summary>
    public static bool IsEtcdRpc(string spanName) => spanName.StartsWith("etcdserverpb.", StringComparison.Ordinal);
}
