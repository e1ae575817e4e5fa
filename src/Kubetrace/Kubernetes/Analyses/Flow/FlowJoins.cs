using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// Why a step of a flow can be missing, in the words of the upstream facts (<see cref="FlowCatalog"/>): who emits
/// it, whether that component traces at all, and at which sampling rate its span is kept.
/// </summary>
public sealed class FlowJoins(FlowRates rates)
{
    public FlowRates Rates => rates;

    /// <summary>Why the step named <paramref name="step"/> (as <see cref="FlowGaps"/> names them) is not on the flow.</summary>
    public string WhyMissing(string step, string? pod) => step switch
    {
        "Deployment write" => "no write of the Deployment in the range: the apiserver's trace of it was not recorded" + rates.Describe(ApiserverSpans.Component),
        "ReplicaSet create" => "kube-controller-manager does not trace (1.27–1.36): its create of the ReplicaSet is seen only as the apiserver's own trace " +
                               "(a root), kept at the apiserver's ratio" + rates.Describe(ApiserverSpans.Component),
        "Pod create" => $"kube-controller-manager does not trace: the pod {pod}'s create is seen only as the apiserver's root trace of POST pods " +
                        "(found by its etcd key)" + rates.Describe(ApiserverSpans.Component),
        "Binding" => $"kube-scheduler does not trace (1.27–1.36): {pod}'s binding is seen only as the apiserver's root trace of POST pods/{pod}/binding" +
                     rates.Describe(ApiserverSpans.Component),
        "syncPod" => $"kubelet's syncPod of {pod} is not in the range: kubelet tracing off (KubeletTracing, the tracing block of its configuration) " +
                     "or the sync not sampled" + rates.Describe(FlowStepReader.KubeletComponent),
        "last StartContainer" => $"{pod}'s containers' StartContainer calls are not joined: " + WhyNoCri(),
        "pods/status" => $"no status patch of {pod} after its containers started: the kubelet's status manager calls with a context of its own, " +
                         "so its request is a root apiserver trace" + rates.Describe(ApiserverSpans.Component),
        _ => "not recorded",
    };

    /// <summary>Why a syncPod has no CRI calls under it.</summary>
    public string WhyNoCri() =>
        "no CRI call under the pod's syncPod: in 1.28 and 1.29 the kubelet calls the runtime's SyncPod with context.TODO() (kubernetes#121192, " +
        "fixed by #122087), so its CRI calls are roots naming no pod and cannot be joined; otherwise the sync did no start-up work";
}
