using Kubetrace.Analysis;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// The resource a storage or etcd span is about, as group.resource (<c>deployments.apps</c>, <c>pods</c>): the way
/// the apiserver's storage spans spell it through 1.33 (<c>resource</c>), joined from <c>group</c> and
/// <c>resource</c> from 1.34, or read from a key: the storage layer's unprefixed key (<c>/pods/shop/web-1</c>,
/// <c>/minions/worker-1</c> for nodes) or etcd's own (<c>/registry/deployments/shop/web</c>,
/// <c>/registry/example.com/widgets/ns/w</c> for a custom resource, as etcd 3.7's spans record it).
/// </summary>
/// <remarks>Read for every etcd call of a scan: keys are walked in place and the labels pooled (<see cref="LabelPool"/>).</remarks>
public static class StorageResource
{
    public const string Unknown = "(unknown)";

    /// <summary>The apiserver's compactor's transactions elect one apiserver on this key (k8s.io/apiserver compact.go).</summary>
    public const string CompactRevKey = "compact_rev_key";

    /// <summary>What calls on <see cref="CompactRevKey"/> and <c>KV/Compact</c> are for: no resource, the compaction of old revisions.</summary>
    public const string Compaction = "(compaction)";

    /// <summary>From a storage span's <c>resource</c> (group.resource through 1.33) and <c>group</c> (1.34+); null when absent.</summary>
    public static string? FromAttributes(string? resource, string? group) =>
        string.IsNullOrEmpty(resource) ? null
        : string.IsNullOrEmpty(group) ? LabelPool.Get(resource)
        : LabelPool.Join(resource, '.', group);

    /// <summary>From a key, with or without the <c>/registry</c> prefix; null when the key names no resource.</summary>
    public static string? FromKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        if (key == CompactRevKey) return Compaction;
        var rest = key.AsSpan().TrimStart('/');
        if (rest.StartsWith("registry/", StringComparison.Ordinal)) rest = rest["registry/".Length..];
        var first = Segment(ref rest);
        if (first.IsEmpty) return null;
        var second = Segment(ref rest);
        return first switch
        {
            "minions" => "nodes",
            "controllers" => "replicationcontrollers",
            "services" when second is "specs" => "services",
            "services" when second is "endpoints" => "endpoints",
            // A custom resource lives under its group: /registry/example.com/widgets/...
            _ when first.Contains('.') && !second.IsEmpty => LabelPool.Join(second, '.', first),
            _ => LabelPool.Get(first),
        };
    }

    /// <summary>
    /// The namespace a key is in: <c>[/registry]/[group/]resource/namespace/name</c> names it, and so does a
    /// namespace's list prefix (<c>/registry/pods/shop/</c>) and the namespace object (<c>/registry/namespaces/shop</c>);
    /// "" for a whole resource (<c>/registry/pods/</c>: every namespace) and the compaction key; null when the key
    /// cannot say (<c>/minions/worker-1</c> is a cluster-scoped node, <c>/pods/shop</c> the storage layer's list of a
    /// namespace: both have one segment after the resource, and only the resource's scope, unknown here, tells them apart).
    /// </summary>
    public static string? NamespaceOfKey(string? key)
    {
        if (string.IsNullOrEmpty(key)) return null;
        if (key == CompactRevKey) return "";
        if (!key.StartsWith('/')) return null;
        var rest = key.AsSpan().TrimStart('/');
        if (rest.StartsWith("registry/", StringComparison.Ordinal)) rest = rest["registry/".Length..];
        var resource = Segment(ref rest);
        if (resource.IsEmpty) return null;
        var probe = rest;
        var second = Segment(ref probe);
        // A group's folder (a custom resource, an aggregated API's objects) or the services' two folders hold the resource one level down.
        if (resource.Contains('.') || (resource is "services" && second is "specs" or "endpoints"))
        {
            resource = second;
            rest = probe;
        }
        var first = Segment(ref rest);
        var name = Segment(ref rest);
        if (first.IsEmpty) return resource.IsEmpty ? null : "";
        if (resource is "namespaces" || !name.IsEmpty || key.EndsWith('/')) return first.ToString();
        return null;
    }

    /// <summary>From the apiserver handler's <c>resource</c> and <c>api-group</c> (1.29+), or the group in its URL (<c>/apis/apps/v1/…</c>) before.</summary>
    public static string? FromHandler(string? resource, string? apiGroup, string? url)
    {
        if (string.IsNullOrEmpty(resource)) return null;
        if (apiGroup is not null) return FromAttributes(resource, apiGroup);
        if (url is not null && url.StartsWith("/apis/", StringComparison.Ordinal))
        {
            var rest = url.AsSpan("/apis/".Length);
            var group = Segment(ref rest);
            if (!group.IsEmpty) return LabelPool.Join(resource, '.', group);
        }
        return LabelPool.Get(resource);
    }

    private static ReadOnlySpan<char> Segment(ref ReadOnlySpan<char> rest)
    {
        rest = rest.TrimStart('/');
        var slash = rest.IndexOf('/');
        var segment = slash < 0 ? rest : rest[..slash];
        rest = slash < 0 ? [] : rest[slash..];
        return segment;
    }
}
