namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A Kubernetes API resource as the apiserver names it in URLs, routes, storage keys and Go types
/// (<c>/apis/apps/v1/namespaces/shop/deployments/web</c>, <c>/registry/deployments/shop/web</c>, <c>*apps.Deployment</c>).
/// </summary>
/// <param name="WatchCached">
/// Whether the apiserver keeps a watch cache of the resource by default (every resource but events, whose cache is
/// off): watches and cached reads of it are served by the cacher and do not reach etcd. <c>--watch-cache-sizes</c>
/// can turn it off for others (<see cref="SimulationContext.WatchCached"/>).
/// </param>
/// <param name="Ttl">Objects are written with a TTL (events: one hour), so their creates attach an etcd lease.</param>
/// <param name="StoragePrefix">The registry's key prefix when it is not the resource's name (nodes: <c>minions</c>).</param>
/// <param name="Aggregated">The extension API server that serves the resource through the aggregation layer (null: kube-apiserver's own).</param>
internal sealed record ApiResource(string Group, string Version, string Resource, string Kind, bool Namespaced,
    bool WatchCached = true, bool Ttl = false, string? StoragePrefix = null, AggregatedApi? Aggregated = null)
{
    /// <summary>Each instance is a distinct, shared definition: equal only to itself (and cheap to hash as a key).</summary>
    public bool Equals(ApiResource? other) => ReferenceEquals(this, other);

    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(this);

    public static readonly ApiResource Pods = new("", "v1", "pods", "Pod", true);
    public static readonly ApiResource ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    public static readonly ApiResource Nodes = new("", "v1", "nodes", "Node", false, StoragePrefix: "minions");
    public static readonly ApiResource Leases = new("coordination.k8s.io", "v1", "leases", "Lease", true);
    public static readonly ApiResource Deployments = new("apps", "v1", "deployments", "Deployment", true);
    public static readonly ApiResource ReplicaSets = new("apps", "v1", "replicasets", "ReplicaSet", true);
    public static readonly ApiResource Secrets = new("", "v1", "secrets", "Secret", true);
    public static readonly ApiResource Events = new("", "v1", "events", "Event", true, WatchCached: false, Ttl: true);
    public static readonly ApiResource ResourceQuotas = new("", "v1", "resourcequotas", "ResourceQuota", true);

    /// <summary>metrics-server's pod metrics, served through the aggregation layer (HPA and kubectl top read them).</summary>
    public static readonly ApiResource PodMetrics = new("metrics.k8s.io", "v1beta1", "pods", "PodMetrics", true, Aggregated: AggregatedApi.MetricsServer);

    /// <summary>The resources whose etcd operations the etcd-slow scenario may slow down.</summary>
    public static readonly IReadOnlyList<ApiResource> EtcdSlowCandidates = [ConfigMaps, Leases, Deployments, Pods];

    /// <summary>The group/version as apimachinery prints it: <c>v1</c> for the core group, <c>apps/v1</c>.</summary>
    public string GroupVersion => field ??= Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The GroupVersionResource as Go prints it (<c>/v1, Resource=pods</c>), as the webhook spans record it.</summary>
    public string GroupVersionResource => field ??= $"{Group}/{Version}, Resource={Resource}";

    private string Prefix => Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";

    /// <summary>The Go type the storage layer reports (<c>*core.Pod</c>, <c>*apps.DeploymentList</c>).</summary>
    public string TypeName(bool list) => list ? ListTypeName : ObjectTypeName;

    private string ObjectTypeName => field ??= $"*{(Group.Length == 0 ? "core" : Group.Split('.')[0])}.{Kind}";

    private string ListTypeName => field ??= ObjectTypeName + "List";

    /// <summary>The request path, e.g. <c>/api/v1/namespaces/shop/pods/web-1/status</c>.</summary>
    public string Path(string ns, string name, string subresource)
    {
        var path = Namespaced && ns.Length > 0 ? $"{Prefix}/namespaces/{ns}/{Resource}" : $"{Prefix}/{Resource}";
        if (name.Length > 0) path += "/" + name;
        if (subresource.Length > 0) path += "/" + subresource;
        return path;
    }

    /// <summary>The route the apiserver names its server span after (1.31+), names and namespaces templated.</summary>
    public string Route(bool named, string subresource)
    {
        var route = Namespaced ? $"{Prefix}/namespaces/{{:namespace}}/{Resource}" : $"{Prefix}/{Resource}";
        if (named) route += "/{:name}";
        if (subresource.Length > 0) route += "/" + subresource;
        return route;
    }

    /// <summary>
    /// The key the storage layer records (before the <c>/registry</c> prefix is added): an object's
    /// (<c>/pods/shop/web-1</c>, <c>/minions/worker-1</c>) or a list's (<c>/pods/shop</c>, <c>/pods</c> for all namespaces).
    /// </summary>
    public string StorageKey(string ns, string name)
    {
        var key = Namespaced && ns.Length > 0 ? $"{ResourcePrefix}/{ns}" : ResourcePrefix;
        return name.Length > 0 ? key + "/" + name : key;
    }

    /// <summary>The key etcd sees: <c>/registry</c> and the storage key.</summary>
    public static string EtcdKey(string storageKey) => "/registry" + storageKey;

    /// <summary>The storage layer's resource prefix, e.g. <c>/pods</c>, <c>/minions</c>, <c>/deployments</c>.</summary>
    public string ResourcePrefix => field ??= "/" + (StoragePrefix ?? Resource);

    /// <summary>Where this resource's objects live in etcd, e.g. <c>/registry/pods/</c>.</summary>
    public string KeyPrefix => EtcdKey(ResourcePrefix) + "/";

    /// <summary>group.resource as Kubernetes' GroupResource.String() spells it: <c>deployments.apps</c>, <c>pods</c>.</summary>
    public string GroupResource => field ??= Group.Length == 0 ? Resource : $"{Resource}.{Group}";
}
