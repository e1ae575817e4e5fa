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

    /// <summary>The etcd a cluster of this version typically runs: 3.5 before 1.34, 3.6 from 1.34 (3.7 on request).</summary>
    public EtcdVersion DefaultEtcd => this >= new KubernetesVersion(1, 34) ? EtcdVersion.V3_6 : EtcdVersion.V3_5;

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
