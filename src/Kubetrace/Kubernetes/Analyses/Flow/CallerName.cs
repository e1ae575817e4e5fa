namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// Who sent an apiserver request, from the <c>user-agent</c> its handler span records. client-go's default is
/// <c>binary/version (os/arch) kubernetes/commit</c> (rest.DefaultKubernetesUserAgent) and
/// <c>rest.AddUserAgent</c> appends <c>/name</c>: kube-controller-manager's client builder adds the controller's
/// name or its service account (k8s.io/controller-manager pkg/clientbuilder/client_builder.go line 47,
/// client_builder_dynamic.go line 243), kube-scheduler adds <c>scheduler</c>. So
/// <c>kube-controller-manager/v1.34.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:replicaset-controller</c>
/// reads <c>kube-controller-manager (replicaset-controller)</c>.
/// </summary>
public static class CallerName
{
    public static string? Of(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return null;
        var slash = userAgent.IndexOf('/');
        var product = slash < 0 ? userAgent.Split(' ')[0] : userAgent[..slash];
        var kubernetes = userAgent.IndexOf(") kubernetes/", StringComparison.Ordinal);
        if (kubernetes < 0) return product;
        var afterCommit = userAgent.IndexOf('/', kubernetes + ") kubernetes/".Length);
        if (afterCommit < 0) return product;
        var name = userAgent[(afterCommit + 1)..];
        var colon = name.LastIndexOf(':');
        if (colon >= 0) name = name[(colon + 1)..]; // system:serviceaccount:kube-system:replicaset-controller
        return name.Length == 0 || name == "scheduler" && product == "kube-scheduler" ? product : $"{product} ({name})";
    }
}
