namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>The parts of a pod's start-up that kubelet's CRI calls measure.</summary>
public enum CriPhase { None, Sandbox, ImagePull, Create, Start }

public static class CriPhases
{
    /// <summary>
    /// The phase a CRI span stands for, from its gRPC method: <c>runtime.v1.RuntimeService/RunPodSandbox</c> (also
    /// with a leading slash or the old <c>runtime.v1alpha2</c> package), <c>ImageService/PullImage</c>,
    /// <c>RuntimeService/CreateContainer</c>, <c>RuntimeService/StartContainer</c>.
    /// </summary>
    public static CriPhase Of(string spanName)
    {
        var slash = spanName.LastIndexOf('/');
        if (slash < 0) return CriPhase.None;
        var service = spanName.AsSpan(0, slash);
        var method = spanName.AsSpan(slash + 1);
        var runtime = service.EndsWith("RuntimeService", StringComparison.Ordinal);
        var image = service.EndsWith("ImageService", StringComparison.Ordinal);
        return method switch
        {
            "RunPodSandbox" when runtime => CriPhase.Sandbox,
            "PullImage" when image => CriPhase.ImagePull,
            "CreateContainer" when runtime => CriPhase.Create,
            "StartContainer" when runtime => CriPhase.Start,
            _ => CriPhase.None,
        };
    }
}
