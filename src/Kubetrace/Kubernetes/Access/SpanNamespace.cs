using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Analyses.Storage;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Kubernetes.Access;

/// <summary>
/// What one span says about the Kubernetes namespace it belongs to, from its own attributes (and its resource's),
/// in this order (docs/security.md, "Which namespace a span belongs to"):
/// <list type="number">
/// <item>a namespace attribute: the apiserver handler's <c>namespace</c> ("" for a cluster-scoped request), the
/// resource's <c>k8s.namespace.name</c>, kubelet's <c>k8s.pod</c> (<c>namespace/name</c>);</item>
/// <item>the apiserver request's URL (<c>url</c>, <c>http.target</c>, <c>url.path</c>), read as the apiserver reads it
/// (<see cref="ApiserverRoute.NamespaceOf"/>);</item>
/// <item>a storage or etcd key (<c>key</c>, etcd's <c>range_begin</c>, <c>success_first_key</c>; <see cref="StorageResource.NamespaceOfKey"/>).</item>
/// </list>
/// A span that says nothing takes its parent's namespace (<see cref="TraceNamespaces"/>).
/// </summary>
public static class SpanNamespace
{
    /// <summary>The decision for a span with no evidence of its own.</summary>
    public const string? Unknown = null;

    /// <summary>What cluster-scoped spans are decided as: no namespace.</summary>
    public const string Cluster = "";

    /// <summary>The raw attribute keys the decision reads, for scans that must carry them.</summary>
    public static IReadOnlyList<string> RawKeys { get; } =
    [
        .. K8sVocabulary.SourcesOf(K8sKeys.Namespace), .. K8sVocabulary.SourcesOf(K8sKeys.UrlPath),
        StorageKeys.Key, EtcdKeys.RangeBegin, EtcdKeys.SuccessFirstKey,
    ];

    /// <summary>
    /// The namespace <paramref name="raw"/> names, <see cref="Cluster"/> ("") when it names a cluster-scoped request
    /// or object, or <see cref="Unknown"/> (null) when it says nothing.
    /// </summary>
    public static string? Of<T>(T raw) where T : IRawAttributes
    {
        // The handler writes "unknown" when the request has no RequestInfo (k8s.io/apiserver
        // pkg/endpoints/handlers/helpers.go:158-168 at v0.34.0): no evidence.
        if (K8sVocabulary.Resolve(K8sKeys.Namespace, raw) is { } ns && ns != "unknown") return ns;
        foreach (var urlKey in K8sVocabulary.SourcesOf(K8sKeys.UrlPath))
            if (raw.Get(urlKey) is { } url && ApiserverRoute.NamespaceOf(url) is { } fromUrl) return fromUrl;
        foreach (var key in (ReadOnlySpan<string>)[StorageKeys.Key, EtcdKeys.RangeBegin, EtcdKeys.SuccessFirstKey])
            if (StorageResource.NamespaceOfKey(raw.Get(key)) is { } fromKey) return fromKey;
        return Unknown;
    }
}
