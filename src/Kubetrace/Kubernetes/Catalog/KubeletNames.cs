namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// The span names, attribute keys and events the kubelet writes (<see cref="KubeletCatalog"/> cites where): the
/// simulator writes them and the analyses read them through these constants.
/// </summary>
public static class KubeletNames
{
    public const string Scope = "k8s.io/kubernetes/pkg/kubelet";
    public const string ImagesScope = "k8s.io/kubernetes/pkg/kubelet/images";

    public const string SyncPod = "syncPod";
    public const string SyncTerminatingPod = "syncTerminatingPod";
    public const string SyncTerminatedPod = "syncTerminatedPod";
    public const string ImageGarbageCollect = "Images/GarbageCollect";
    public const string ContainerGarbageCollect = "Containers/GarbageCollect";

    public const string PodUid = "k8s.pod.uid";
    public const string Pod = "k8s.pod";
    public const string PodName = "k8s.pod.name";
    public const string Namespace = "k8s.namespace.name";
    public const string UpdateType = "k8s.pod.update_type";

    /// <summary><c>k8s.pod.update_type</c> of the sync that starts a new pod (SyncPodType.String()).</summary>
    public const string UpdateTypeCreate = "create";

    /// <summary>otelgrpc's per-message event on the CRI client spans (the kubelet asks for them).</summary>
    public const string MessageEvent = "message";

    /// <summary>The CRI services' span name prefixes (<c>runtime.v1.RuntimeService/RunPodSandbox</c>).</summary>
    public const string RuntimeService = "runtime.v1.RuntimeService";
    public const string ImageService = "runtime.v1.ImageService";
}
