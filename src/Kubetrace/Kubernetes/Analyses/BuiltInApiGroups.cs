namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// The API groups kube-apiserver serves itself (1.27–1.36). A resource of any other group is a custom resource or
/// an aggregated API (<c>metrics.k8s.io</c> is served by metrics-server through the aggregation layer), named with
/// its group in the analyses, so that metrics-server's <c>pods</c> never merge with the core group's.
/// </summary>
public static class BuiltInApiGroups
{
    private static readonly HashSet<string> Groups = new(StringComparer.Ordinal)
    {
        "", "apps", "batch", "autoscaling", "policy", "extensions",
        "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io", "authentication.k8s.io",
        "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io", "discovery.k8s.io", "events.k8s.io",
        "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io", "networking.k8s.io", "node.k8s.io",
        "rbac.authorization.k8s.io", "resource.k8s.io", "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
    };

    public static bool Contains(string group) => Groups.Contains(group);

    /// <summary>Every built-in group, the core group ("") first.</summary>
    public static IEnumerable<string> All => Groups.OrderBy(g => g, StringComparer.Ordinal);
}
