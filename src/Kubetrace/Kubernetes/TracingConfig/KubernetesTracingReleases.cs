namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// Which Kubernetes release added what for component tracing. Sources (checked for each entry; links in
/// docs/kubernetes-config.md): the "Traces For Kubernetes System Components" page of each release's documentation,
/// the kube-apiserver configuration API references (v1alpha1, v1beta1, v1), and KEP-647 / KEP-2831.
/// </summary>
public static class KubernetesTracingReleases
{
    /// <summary>kube-apiserver tracing: alpha 1.22, beta (on by default) 1.27, GA 1.34.</summary>
    public static readonly FeatureGate ApiServerTracing =
        new("APIServerTracing", KubernetesVersion.Of(22), KubernetesVersion.Of(27), KubernetesVersion.Of(34));

    /// <summary>kubelet tracing: alpha 1.25, beta (on by default) 1.27, GA 1.34.</summary>
    public static readonly FeatureGate KubeletTracing =
        new("KubeletTracing", KubernetesVersion.Of(25), KubernetesVersion.Of(27), KubernetesVersion.Of(34));

    /// <summary>The newest release whose behaviour this table describes; later ones are assumed to behave the same.</summary>
    public static readonly KubernetesVersion NewestKnown = KubernetesVersion.Of(36);

    /// <summary>The default of <c>--kubernetes-version</c>: the newest release described here.</summary>
    public static KubernetesVersion Default => NewestKnown;
}
