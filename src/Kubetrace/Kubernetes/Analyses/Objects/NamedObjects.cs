using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>One Kubernetes object a span names: its namespace ("" when cluster-scoped), resource and name.</summary>
public sealed record NamedObject(string Namespace, string Resource, string Name)
{
    /// <summary>The object as the <c>object</c> analysis takes it: <c>namespace/name</c>, or the name alone when cluster-scoped.</summary>
    public string Object => Namespace.Length == 0 ? Name : Namespace + "/" + Name;
}

/// <summary>
/// The Kubernetes objects a span names, in every form the components record them (docs/catalog.md): an apiserver
/// handler's <c>namespace</c>, <c>name</c>, <c>resource</c> (from 1.29; every resource, cluster-scoped ones too); the
/// object a request path addresses (<c>http.target</c>, <c>url.path</c>, the handler's <c>url</c>, a client's full URL:
/// the only form before 1.29); the pod of <c>k8s.namespace.name</c> + <c>k8s.pod.name</c> (span or resource
/// attributes) or kubelet's <c>k8s.pod</c> = namespace/name. A subresource's request names its object.
/// </summary>
public static class NamedObjects
{
    /// <summary>Request paths and URLs, as each convention and the handler record them.</summary>
    private static readonly string[] PathKeys = ["url.path", ApiserverKeys.HttpTarget, ApiserverKeys.Url, "http.url", "url.full"];

    /// <summary>Every raw key read.</summary>
    public static IReadOnlyList<string> Keys { get; } =
    [
        ApiserverKeys.Namespace, ApiserverKeys.Name, ApiserverKeys.Resource, ApiserverKeys.Verb,
        "k8s.namespace.name", "k8s.pod.name", "k8s.pod", .. PathKeys,
    ];

    public static IReadOnlyList<NamedObject> Of<T>(T raw) where T : IRawAttributes
    {
        var found = new List<NamedObject>();
        void Add(NamedObject o)
        {
            if (o.Name.Length > 0 && o.Resource.Length > 0 && !found.Contains(o)) found.Add(o);
        }

        // A handler span: traceFields' resource and verb beside the object's name (empty for a create or a collection).
        if (raw.Get(ApiserverKeys.Resource) is { Length: > 0 } resource && raw.Get(ApiserverKeys.Verb) is not null && raw.Get(ApiserverKeys.Name) is { } name)
            Add(new NamedObject(raw.Get(ApiserverKeys.Namespace) ?? "", resource, name));
        foreach (var key in PathKeys)
            if (raw.Get(key) is { } path && ApiserverRoute.ObjectOf(path) is var (ns, pathResource, pathName))
                Add(new NamedObject(ns, pathResource, pathName));
        var podNamespace = raw.Get("k8s.namespace.name");
        var pod = raw.Get("k8s.pod.name");
        if (podNamespace is { Length: > 0 } && pod is not null) Add(new NamedObject(podNamespace, "pods", pod));
        if (raw.Get("k8s.pod") is { } qualified && qualified.IndexOf('/') is > 0 and var slash && slash < qualified.Length - 1)
            Add(new NamedObject(qualified[..slash], "pods", qualified[(slash + 1)..]));
        return found;
    }
}
