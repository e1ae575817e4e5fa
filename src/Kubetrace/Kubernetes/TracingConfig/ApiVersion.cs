namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>One <c>apiVersion</c> of a configuration kind and the first Kubernetes release that reads it.</summary>
public sealed record ApiVersion(string Name, KubernetesVersion Since)
{
    public bool ExistsIn(KubernetesVersion version) => version >= Since;
}

/// <summary>The configuration kinds <c>kubetrace validate</c> knows, with their apiVersions.</summary>
public static class KubernetesKinds
{
    public const string TracingConfiguration = "TracingConfiguration";
    public const string KubeletConfiguration = "KubeletConfiguration";

    /// <summary>
    /// kube-apiserver's <c>--tracing-config-file</c>: v1alpha1 from 1.22, v1beta1 from 1.27, v1 from 1.34. v1beta1
    /// came with the beta graduation (kubernetes#116144, 1.27); the first attempt for 1.26 (#113693) was reverted
    /// before that release, so 1.26 reads only v1alpha1. v1 came with GA (#132340, 1.34), unchanged from v1beta1.
    /// </summary>
    public static readonly IReadOnlyList<ApiVersion> TracingConfigurationVersions =
    [
        new("apiserver.config.k8s.io/v1alpha1", KubernetesVersion.Of(22)),
        new("apiserver.config.k8s.io/v1beta1", KubernetesVersion.Of(27)),
        new("apiserver.config.k8s.io/v1", KubernetesVersion.Of(34)),
    ];

    /// <summary>The kubelet's <c>--config</c> file has had one apiVersion since 1.10; its <c>tracing</c> field since 1.25.</summary>
    public static readonly IReadOnlyList<ApiVersion> KubeletConfigurationVersions =
    [
        new("kubelet.config.k8s.io/v1beta1", KubernetesVersion.Of(10)),
    ];

    public static IReadOnlyList<string> Names => [TracingConfiguration, KubeletConfiguration];

    public static IReadOnlyList<ApiVersion>? VersionsOf(string kind) => kind switch
    {
        TracingConfiguration => TracingConfigurationVersions,
        KubeletConfiguration => KubeletConfigurationVersions,
        _ => null,
    };

    /// <summary>The newest apiVersion of a kind that <paramref name="version"/> reads, or null when there is none.</summary>
    public static ApiVersion? NewestIn(IReadOnlyList<ApiVersion> versions, KubernetesVersion version) =>
        versions.LastOrDefault(v => v.ExistsIn(version));
}
