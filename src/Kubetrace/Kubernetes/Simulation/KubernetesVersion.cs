using System.Globalization;
using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A Kubernetes minor version (<c>1.34</c>), and what its components' tracing looks like at that version (the
/// catalog, docs/catalog.md, cites the upstream lines): each property names one change in span names, nesting or
/// attribute keys.
/// </summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    /// <summary>The oldest version simulated: APIServerTracing and KubeletTracing are beta and on by default from 1.27.</summary>
    public static readonly KubernetesVersion Oldest = new(1, 27);

    /// <summary>The newest version whose source the catalog was read from.</summary>
    public static readonly KubernetesVersion Newest = new(1, 36);

    /// <summary>The catalog's release for this version.</summary>
    public ComponentRelease Release => ComponentRelease.Kubernetes(Minor);

    /// <summary>Before 1.31 the apiserver's HTTP server span is called <c>KubernetesAPI</c>; from 1.31 it is route-style.</summary>
    public bool RouteStyleServerSpanNames => this >= new KubernetesVersion(1, 31);

    /// <summary>The HTTP server attributes of the otelhttp the apiserver's go.mod pins (0.35.1, 0.44, 0.53/0.58, 0.61+).</summary>
    public HttpServerConventions ServerConventions =>
        Minor <= 28 ? HttpServerConventions.Semconv112 : Minor <= 30 ? HttpServerConventions.Semconv117
        : Minor <= 34 ? HttpServerConventions.Semconv120 : HttpServerConventions.Stable;

    /// <summary>The server span carries <c>audit-id</c> from 1.34.</summary>
    public bool ServerSpanAuditId => this >= new KubernetesVersion(1, 34);

    /// <summary>
    /// Through 1.32 tracing wraps authentication: the one <c>authentication</c> span is the server span's child and
    /// stays the request context's span, so the handler hangs under it. From 1.33 it is a trace of its own.
    /// </summary>
    public bool AuthenticationUnderServerSpan => this <= new KubernetesVersion(1, 32);

    /// <summary>1.33: the audit filter's trackCompleted ends the server span (without status) right after audit.</summary>
    public bool ServerSpanEndsAfterAudit => this == new KubernetesVersion(1, 33);

    /// <summary>
    /// Filter spans audit ⊃ impersonation ⊃ priorityandfairness ⊃ authorization ⊃ handler from 1.34, each ending when
    /// the request ends; the authentication span (a trace of its own) then lasts the whole request too.
    /// </summary>
    public bool NestedFilterSpans => this >= new KubernetesVersion(1, 34);

    /// <summary>Callers in system:masters / system:monitoring become the parent of the apiserver's span from 1.33.</summary>
    public bool PrivilegedCallersBecomeParent => this >= new KubernetesVersion(1, 33);

    /// <summary>The aggregator wraps its proxy's round tripper with otelhttp from 1.31 (kube-aggregator handler_proxy.go); before, it forwards the caller's traceparent unchanged.</summary>
    public bool TracesAggregatorProxy => this >= new KubernetesVersion(1, 31);

    /// <summary>Handler spans carry api-group, api-version, name, namespace and subresource from 1.29 (trace_util.go).</summary>
    public bool HandlerNamesObject => this >= new KubernetesVersion(1, 29);

    /// <summary>From 1.32 the handlers put their span into the request, so SerializeObject is the handler's child (kubernetes#124073).</summary>
    public bool SerializeUnderHandler => this >= new KubernetesVersion(1, 32);

    /// <summary>From 1.33 the response writer records the writer type on "About to start writing response", not on "Write call succeeded".</summary>
    public bool WriterOnFirstWriteEvent => this >= new KubernetesVersion(1, 33);

    /// <summary>The List handler records "About to List from storage" ... through 1.35; 1.36 dropped them.</summary>
    public bool ListEvents => this <= new KubernetesVersion(1, 35);

    /// <summary>1.36: a streaming list (sendInitialEvents) has <c>WatchList</c> and <c>WatchServer.HandleHTTP</c> spans; a plain watch has no handler span in any release.</summary>
    public bool StreamingListSpans => this >= new KubernetesVersion(1, 36);

    /// <summary>Stable HTTP semantic conventions (<c>http.request.method</c>, ...) from 1.35.</summary>
    public bool StableHttpConventions => this >= new KubernetesVersion(1, 35);

    /// <summary>New RPC conventions (<c>rpc.system.name</c>, fully qualified <c>rpc.method</c>) from 1.36.</summary>
    public bool NewRpcConventions => this >= new KubernetesVersion(1, 36);

    /// <summary>
    /// ConsistentListFromCache (beta and on by default from 1.31): a list without resourceVersion is served from the
    /// watch cache instead of etcd. Before, only lists and gets with <c>resourceVersion=0</c> are.
    /// </summary>
    public bool ConsistentListFromCache => this >= new KubernetesVersion(1, 31);

    /// <summary>The etcd a cluster of this version runs unless told: the one its apiserver's go.mod pins (<see cref="EtcdVersion.PinnedBy"/>).</summary>
    public EtcdVersion DefaultEtcd => EtcdVersion.PinnedBy(this);

    /// <summary>The containerd a cluster of this version typically runs: 1.6.20 with 1.27, 1.7.20 through 1.35, 2.1 from 1.36.</summary>
    public ContainerdVersion DefaultContainerd =>
        this >= new KubernetesVersion(1, 36) ? ContainerdVersion.V2_1
        : this >= new KubernetesVersion(1, 28) ? ContainerdVersion.V1_7 : ContainerdVersion.V1_6;

    /// <summary>
    /// 1.28–1.29: the kubelet's SyncPod hands the container runtime a fresh context (kubernetes#117412), so its CRI
    /// calls are roots of traces of their own, not children of <c>syncPod</c> (kubernetes#121192, fixed in 1.30 by #122087).
    /// </summary>
    public bool KubeletCriCallsDetached => this >= new KubernetesVersion(1, 28) && this <= new KubernetesVersion(1, 29);

    /// <summary>Parses <c>1.34</c>, <c>v1.34</c> or <c>1.34.2</c> (the patch level does not change tracing).</summary>
    public static bool TryParse(string text, out KubernetesVersion version)
    {
        version = default;
        var parts = text.Trim().TrimStart('v').Split('.');
        if (parts.Length is < 2 or > 3) return false;
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            return false;
        if (parts.Length == 3 && !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out _)) return false;
        version = new KubernetesVersion(major, minor);
        return true;
    }

    public static KubernetesVersion Parse(string text) =>
        TryParse(text, out var version) ? version : throw new FormatException($"'{text}' is not a Kubernetes version such as 1.34");

    public int CompareTo(KubernetesVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor.CompareTo(other.Minor);

    public static bool operator >=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) >= 0;

    public static bool operator <=(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) <= 0;

    public static bool operator >(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) > 0;

    public static bool operator <(KubernetesVersion a, KubernetesVersion b) => a.CompareTo(b) < 0;

    public override string ToString() => $"{Major}.{Minor}";
}

/// <summary>The apiserver's otelhttp server attributes, by the otelhttp version each release pins (docs/catalog.md).</summary>
public enum HttpServerConventions
{
    /// <summary>otelhttp 0.35.1 (1.27, 1.28): semconv 1.12, <c>http.user_agent</c>, <c>net.peer.ip</c>, its own <c>http.target</c>.</summary>
    Semconv112,

    /// <summary>otelhttp 0.44 (1.29, 1.30): semconv 1.17, <c>net.sock.peer.addr</c>, <c>http.user_agent</c>.</summary>
    Semconv117,

    /// <summary>otelhttp 0.53/0.58 (1.31–1.34): semconv 1.20, <c>user_agent.original</c>, <c>net.protocol.version</c>.</summary>
    Semconv120,

    /// <summary>otelhttp 0.61+ (1.35+): stable conventions, <c>url.path</c>, <c>http.request.method</c>.</summary>
    Stable,
}
