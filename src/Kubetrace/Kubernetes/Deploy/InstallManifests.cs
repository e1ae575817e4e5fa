namespace Kubetrace.Kubernetes.Deploy;

/// <summary>Everything <c>kubetrace k8s install</c> writes: the cluster's objects and the control plane's files.</summary>
public static class InstallManifests
{
    public const string ClusterFile = "kubetrace.yaml";

    public static IReadOnlyList<InstallFile> Render(InstallRequest request) =>
        [new(ClusterFile, ClusterManifests.Render(request)), .. ControlPlaneFiles.Render(request)];
}
