using System.Globalization;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A Kubernetes minor version (<c>1.34</c>), and what its components' tracing looks like at that version
/// (kubernetes-spans.md): each property names one change in span names or attribute keys.
/// </summary>
public readonly record struct KubernetesVersion(int Major, int Minor) : IComparable<KubernetesVersion>
{
    /// <summary>The oldest version simulated: APIServerTracing and KubeletTracing are beta and on by default from 1.27.</summary>
    public static readonly KubernetesVersion Oldest = new(1, 27);

    /// <summary>Before 1.31 the apiserver's HTTP server span is called <c>KubernetesAPI</c>; from 1.31 it is route-style.</summary>
    public bool RouteStyleServerSpanNames => this >= new KubernetesVersion(1, 31);

    /// <summary>The server span carries <c>http.target</c> from 1.29 (old HTTP conventions only).</summary>
    public bool ServerSpanHttpTarget => this >= new KubernetesVersion(1, 29);

    /// <summary>The server span carries <c>audit-id</c>, and the filter spans exist, from 1.34.</summary>
    public bool ServerSpanAuditId => this >= new KubernetesVersion(1, 34);

    /// <summary>Filter spans (authentication, audit, impersonation, priorityandfairness, authorization) from 1.34.</summary>
    public bool FilterSpans => this >= new KubernetesVersion(1, 34);

    /// <summary>Callers in system:masters / system:monitoring become the parent of the apiserver's span from 1.33.</summary>
    public bool PrivilegedCallersBecomeParent => this >= new KubernetesVersion(1, 33);

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

    /// <summary>The containerd a cluster of this version typically runs: 1.6 with 1.27, 1.7 afterwards.</summary>
    public ContainerdVersion DefaultContainerd => this >= new KubernetesVersion(1, 28) ? ContainerdVersion.V1_7 : ContainerdVersion.V1_6;

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

/// <summary>The containerd shapes that differ in tracing (kubernetes-spans.md, "containerd").</summary>
public enum ContainerdVersion
{
    /// <summary>1.6: plain TraceIDRatioBased sampling, otelgrpc server spans only, no host.name.</summary>
    V1_6,

    /// <summary>1.7: ParentBased sampling, host.name, internal image-pull spans.</summary>
    V1_7,
}
