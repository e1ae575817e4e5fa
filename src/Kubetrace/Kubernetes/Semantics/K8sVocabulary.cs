using System.Collections.Frozen;

namespace Kubetrace.Kubernetes.Semantics;

/// <summary>
/// Where each <see cref="K8sKeys"/> name comes from, for every form the components emit (docs/catalog.md, read
/// from their upstream source): apiserver handler attributes (<c>namespace</c>, <c>resource</c>,
/// <c>verb</c>, <c>name</c>), kubelet's <c>k8s.pod</c> = namespace/name, old and new HTTP and RPC conventions.
/// Originals are never rewritten; this is a view used by search and every analysis.
/// </summary>
public static class K8sVocabulary
{
    /// <summary>The raw keys a normalised key is read from, in order of preference.</summary>
    /// <remarks>The same array on every call (scans resolve keys for millions of spans); callers must not change it.</remarks>
    public static IReadOnlyList<string> SourcesOf(string key) => Sources.TryGetValue(key, out var sources) ? sources : [key];

    private static readonly FrozenDictionary<string, string[]> Sources = new Dictionary<string, string[]>
    {
        [K8sKeys.Namespace] = ["namespace", "k8s.namespace.name", "k8s.pod"],
        [K8sKeys.ObjectName] = ["name", "k8s.pod.name", "k8s.pod"],
        [K8sKeys.Resource] = ["resource"],
        [K8sKeys.Subresource] = ["subresource"],
        [K8sKeys.Verb] = ["verb"],
        [K8sKeys.ApiGroup] = ["api-group"],
        [K8sKeys.ApiVersion] = ["api-version"],
        [K8sKeys.AuditId] = ["audit-id"],
        [K8sKeys.PodName] = ["k8s.pod.name", "k8s.pod"],
        [K8sKeys.PodUid] = ["k8s.pod.uid"],
        [K8sKeys.Node] = ["k8s.node.name", "host.name"],
        [K8sKeys.WebhookConfiguration] = ["configuration"],
        [K8sKeys.Webhook] = ["webhook"],
        [K8sKeys.AdmissionOperation] = ["operation"],
        [K8sKeys.EtcdKey] = ["key"],
        [K8sKeys.Image] = ["container.image.name", "image.ref"],
        [K8sKeys.HttpMethod] = ["http.request.method", "http.method"],
        [K8sKeys.HttpStatusCode] = ["http.response.status_code", "http.status_code"],
        [K8sKeys.UrlPath] = ["url.path", "http.target", "url"],
        [K8sKeys.UserAgent] = ["user_agent.original", "http.user_agent", "user-agent"],
        [K8sKeys.RpcSystem] = ["rpc.system.name", "rpc.system"],
        [K8sKeys.RpcMethod] = ["rpc.method", "rpc.service"],
        [K8sKeys.RpcStatus] = ["rpc.response.status_code", "rpc.grpc.status_code"],
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Whether <paramref name="key"/>'s value is its first present source as it is (no splitting, joining or
    /// renaming, unlike the keys <see cref="Resolve"/> handles case by case), so a reader may take it directly.
    /// </summary>
    public static bool IsVerbatim(string key) =>
        key is not (K8sKeys.Namespace or K8sKeys.ObjectName or K8sKeys.PodName or K8sKeys.UrlPath or K8sKeys.RpcMethod or K8sKeys.RpcStatus);

    /// <summary>Every raw key the normalised <paramref name="keys"/> need, without duplicates.</summary>
    public static IReadOnlyList<string> SourcesOf(IEnumerable<string> keys) => keys.SelectMany(SourcesOf).Distinct().ToList();

    /// <summary>The normalised value of <paramref name="key"/> on a span, or null when no source is present.</summary>
    public static string? Resolve<T>(string key, T raw) where T : IRawAttributes
    {
        switch (key)
        {
            case K8sKeys.Namespace:
                return raw.Get("namespace") ?? raw.Get("k8s.namespace.name") ?? PodPart(raw.Get("k8s.pod"), namespacePart: true);
            case K8sKeys.ObjectName:
                return raw.Get("name") ?? raw.Get("k8s.pod.name") ?? PodPart(raw.Get("k8s.pod"), namespacePart: false);
            case K8sKeys.PodName:
                return raw.Get("k8s.pod.name") ?? PodPart(raw.Get("k8s.pod"), namespacePart: false);
            case K8sKeys.UrlPath:
                return PathOnly(raw.Get("url.path") ?? raw.Get("http.target") ?? raw.Get("url"));
            case K8sKeys.RpcMethod:
                return QualifiedMethod(raw.Get("rpc.method"), raw.Get("rpc.service"));
            case K8sKeys.RpcStatus:
                return raw.Get("rpc.response.status_code") ?? GrpcStatusName(raw.Get("rpc.grpc.status_code"));
            default:
                var sources = SourcesOf(key);
                for (var i = 0; i < sources.Count; i++)
                    if (raw.Get(sources[i]) is { } value) return value;
                return null;
        }
    }

    /// <summary><c>k8s.pod</c> is "namespace/name".</summary>
    private static string? PodPart(string? pod, bool namespacePart)
    {
        if (pod is null) return null;
        var slash = pod.IndexOf('/');
        if (slash < 0) return namespacePart ? null : pod;
        return namespacePart ? pod[..slash] : pod[(slash + 1)..];
    }

    private static string? PathOnly(string? target)
    {
        if (target is null) return null;
        // Only a target that is not a path can be a URL ("/api/..." would parse as a file URI on Unix, and cost a
        // Uri per request).
        if (!target.StartsWith('/') && Uri.TryCreate(target, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal))
            return absolute.AbsolutePath;
        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }

    /// <summary>Old RPC conventions split service and method; from Kubernetes 1.36 rpc.method is "service/method".</summary>
    private static string? QualifiedMethod(string? method, string? service)
    {
        if (method is null) return null;
        if (method.Contains('/') || service is null) return method.TrimStart('/');
        return service + "/" + method;
    }

    private static readonly string[] GrpcCodes =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
        "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
        "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ];

    /// <summary>Old conventions carry the gRPC status as a number (rpc.grpc.status_code); new ones by name.</summary>
    public static string? GrpcStatusName(string? code) =>
        int.TryParse(code, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            && n >= 0 && n < GrpcCodes.Length ? GrpcCodes[n] : code;
}
