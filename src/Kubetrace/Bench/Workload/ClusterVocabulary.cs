namespace Kubetrace.Bench.Workload;

/// <summary>
/// The names a real cluster's spans are made of (namespaces, resources, pods, clients), picked at random so that
/// the attribute values of a request vary the way a store's dictionaries and indexes would see them vary.
/// </summary>
internal sealed class ClusterVocabulary(Random random)
{
    private static readonly string[] Namespaces =
    [
        "default", "kube-system", "kube-public", "payments", "checkout", "monitoring", "ingress-nginx", "cert-manager",
        "argocd", "logging", "search", "orders",
    ];

    private static readonly string[] Apps =
    [
        "web", "api-gateway", "orders", "payments", "coredns", "prometheus", "fluent-bit", "redis", "postgres", "search",
    ];

    private static readonly string[] UserAgents =
    [
        "kubelet/v1.34.1 (linux/amd64) kubernetes/5b9d7c2",
        "kube-controller-manager/v1.34.1 (linux/amd64) kubernetes/5b9d7c2/system:serviceaccount:kube-system:replicaset-controller",
        "kube-scheduler/v1.34.1 (linux/amd64) kubernetes/5b9d7c2/scheduler",
        "kubectl/v1.34.0 (linux/amd64) kubernetes/a7f3e21",
        "argocd-application-controller/v0.0.0 (linux/amd64) kubernetes/$Format",
        "kube-proxy/v1.34.1 (linux/amd64) kubernetes/5b9d7c2",
    ];

    private static readonly ApiResource[] Resources =
    [
        new("", "v1", "pods", "*core.Pod", Namespaced: true),
        new("", "v1", "configmaps", "*core.ConfigMap", Namespaced: true),
        new("", "v1", "secrets", "*core.Secret", Namespaced: true),
        new("", "v1", "services", "*core.Service", Namespaced: true),
        new("", "v1", "nodes", "*core.Node", Namespaced: false),
        new("", "v1", "events", "*core.Event", Namespaced: true),
        new("apps", "v1", "deployments", "*apps.Deployment", Namespaced: true),
        new("coordination.k8s.io", "v1", "leases", "*coordination.Lease", Namespaced: true),
        new("discovery.k8s.io", "v1", "endpointslices", "*discovery.EndpointSlice", Namespaced: true),
    ];

    private const string Alphanumerics = "bcdfghjklmnpqrstvwxz2456789";

    public Random Random => random;

    public string Namespace() => Pick(Namespaces);

    public string UserAgent() => Pick(UserAgents);

    public ApiResource Resource() => Pick(Resources);

    /// <summary>A pod name shaped like a Deployment's: app-replicasethash-suffix.</summary>
    public string PodName() => $"{Pick(Apps)}-{Chars(10)}-{Chars(5)}";

    public string ObjectName(ApiResource resource) => resource.Resource == "nodes" ? $"node-{random.Next(1, 65):00}" : PodName();

    public string Uid()
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    public string ClientIp() => $"10.{random.Next(0, 4)}.{random.Next(0, 256)}.{random.Next(1, 255)}";

    public int Port() => random.Next(32768, 61000);

    public bool Chance(double probability) => random.NextDouble() < probability;

    /// <summary>A duration in nanoseconds, uniformly between the two bounds given in microseconds.</summary>
    public long Micros(int min, int max) => random.Next(min, max) * 1000L;

    public T Pick<T>(T[] values) => values[random.Next(values.Length)];

    private string Chars(int count) =>
        string.Create(count, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++)
                span[i] = Alphanumerics[r.Next(Alphanumerics.Length)];
        });
}

/// <summary>A Kubernetes API resource as the apiserver's spans name it.</summary>
internal sealed record ApiResource(string Group, string Version, string Resource, string StorageType, bool Namespaced)
{
    /// <summary>The templated route the apiserver (1.31+) uses as its HTTP span name.</summary>
    public string Route(bool named)
    {
        var prefix = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var scope = Namespaced ? "/namespaces/{:namespace}" : "";
        return named ? $"{prefix}{scope}/{Resource}/{{:name}}" : $"{prefix}{scope}/{Resource}";
    }

    /// <summary>The concrete URL path, as in <c>http.target</c> and the handler span's <c>url</c>.</summary>
    public string Path(string @namespace, string? name)
    {
        var prefix = Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}";
        var scope = Namespaced ? $"/namespaces/{@namespace}" : "";
        return name is null ? $"{prefix}{scope}/{Resource}" : $"{prefix}{scope}/{Resource}/{name}";
    }

    /// <summary>The etcd key the storage layer reads or writes.</summary>
    public string StorageKey(string @namespace, string? name)
    {
        var group = Group.Length == 0 ? "" : Group + "/";
        var scope = Namespaced ? @namespace + "/" : "";
        return $"/registry/{group}{Resource}/{scope}{name}";
    }
}
