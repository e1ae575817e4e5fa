using Kubetrace.Kubernetes.Analyses.Pods;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// The named gaps of a flow: between the steps of different components (the time an object waits for the next
/// component to act on it) and the phases kubelet's CRI calls measure. A gap whose step is missing is kept, with no
/// value and the reason (<see cref="FlowJoins"/>), so that a flow never silently reads shorter than it was.
/// </summary>
public static class FlowGaps
{
    public const string DeploymentQueueing = "deployment controller queueing";
    public const string ReplicaSetQueueing = "replicaset controller queueing";
    public const string Scheduling = "scheduling delay";
    public const string KubeletPickup = "kubelet pickup";
    public const string Sandbox = "sandbox";
    public const string ImagePull = "image pull";
    public const string ContainerStart = "container create and start";
    public const string StatusReport = "status report";
    public const string PodStartup = "pod start-up";
    public const string EndToEnd = "action to last container started";

    /// <summary>The gaps of the flow that starts at <paramref name="action"/> (the Deployment write or the pod create).</summary>
    public static List<FlowGap> Of(FlowStep? action, FlowStep? replicaSetCreate, bool deployment, IReadOnlyList<string> pods,
        IReadOnlyList<FlowStep> steps, FlowJoins joins)
    {
        var gaps = new List<FlowGap>();
        if (deployment)
            gaps.Add(Between(DeploymentQueueing, null, action, replicaSetCreate, "Deployment write", "ReplicaSet create",
                "from the Deployment's write to the deployment controller's create of its ReplicaSet: informer delivery, work queue, sync", joins));
        var lastStart = (long?)null;
        foreach (var pod in pods)
        {
            var own = steps.Where(s => s.Pod == pod).ToList();
            var create = First(own, FlowStepKind.PodCreate);
            var binding = First(own, FlowStepKind.Binding);
            var sync = First(own, FlowStepKind.SyncPod);
            var cri = own.Where(s => s.Kind == FlowStepKind.Cri && sync is not null && s.TraceId == sync.TraceId).ToList();
            var started = cri.Where(s => s.Phase == CriPhase.Start).MaxBy(s => s.EndUnixNano);
            if (deployment)
                gaps.Add(Between(ReplicaSetQueueing, pod, replicaSetCreate, create, "ReplicaSet create", "Pod create",
                    "from the ReplicaSet's create to the replicaset controller's create of the pod", joins));
            gaps.Add(Between(Scheduling, pod, create, binding, "Pod create", "Binding",
                "from the pod's create to the scheduler's binding: the scheduling queue and the scheduling cycle", joins));
            gaps.Add(Between(KubeletPickup, pod, binding, sync, "Binding", "syncPod",
                "from the binding to the kubelet's syncPod: the watch delivering the pod to its node, pod admission, the pod worker", joins));
            gaps.Add(Phase(Sandbox, pod, cri, CriPhase.Sandbox, sync, "RunPodSandbox: the pod's sandbox and its network", joins));
            gaps.Add(Phase(ImagePull, pod, cri, CriPhase.ImagePull, sync, "PullImage calls, one per image pulled", joins));
            gaps.Add(Phase(ContainerStart, pod, cri, CriPhase.Create, sync, "CreateContainer and StartContainer calls", joins, CriPhase.Start));
            var status = started is null ? null : own.Where(s => s.Kind == FlowStepKind.PodStatus && s.StartUnixNano >= started.EndUnixNano).MinBy(s => s.StartUnixNano);
            // No container start without the sync that made it: then the sync is what is missing.
            var startedStep = sync is null ? "syncPod" : "last StartContainer";
            gaps.Add(Between(StatusReport, pod, started, status, "last StartContainer", "pods/status",
                "from the last container's start to the kubelet's status patch that reports it", joins, started is null ? startedStep : null));
            // Until the last StartContainer returned, as the action's end-to-end gap: the container has started then.
            gaps.Add(Between(PodStartup, pod, create, started, "Pod create", "last StartContainer", "the pod's whole start-up, as the traces see it", joins,
                create is null ? null : startedStep, untilEnd: true) with { ToSpanId = null });
            if (started is not null) lastStart = Math.Max(lastStart ?? long.MinValue, started.EndUnixNano);
        }
        if (action is not null)
            gaps.Add(new FlowGap(EndToEnd, null, action.Operation, "last StartContainer", lastStart - action.StartUnixNano,
                "from the action's first span to the last container started")
            {
                StartUnixNano = action.StartUnixNano,
                Missing = lastStart is null ? "no container start is joined to the action (see the missing steps)" : null,
            });
        return gaps;
    }

    private static FlowStep? First(List<FlowStep> steps, FlowStepKind kind) => steps.Where(s => s.Kind == kind).MinBy(s => s.StartUnixNano);

    private static FlowGap Between(string name, string? pod, FlowStep? from, FlowStep? to, string fromName, string toName, string meaning, FlowJoins joins,
        string? missingStep = null, bool untilEnd = false)
    {
        if (from is not null && to is not null)
            return new FlowGap(name, pod, fromName, toName, Math.Max(0, (untilEnd ? to.EndUnixNano : to.StartUnixNano) - from.EndUnixNano), meaning)
            {
                ToSpanId = to.SpanId, StartUnixNano = from.EndUnixNano,
            };
        var missing = missingStep ?? (from is null ? fromName : toName);
        return new FlowGap(name, pod, fromName, toName, null, meaning) { Missing = $"{missing} missing: {joins.WhyMissing(missing, pod)}" };
    }

    private static FlowGap Phase(string name, string pod, List<FlowStep> cri, CriPhase phase, FlowStep? sync, string meaning, FlowJoins joins,
        CriPhase also = CriPhase.None)
    {
        var calls = cri.Where(s => s.Phase == phase || also != CriPhase.None && s.Phase == also).ToList();
        if (calls.Count > 0)
            return new FlowGap(name, pod, "", "", calls.Sum(c => c.DurationNanos), meaning) { StartUnixNano = calls.Min(c => c.StartUnixNano) };
        // The sync made CRI calls, none of this kind: nothing to do (an image already on the node is not pulled).
        if (cri.Count > 0) return new FlowGap(name, pod, "", "", 0, meaning + " (none made)");
        var why = sync is null ? "syncPod missing: " + joins.WhyMissing("syncPod", pod) : joins.WhyNoCri();
        return new FlowGap(name, pod, "", "", null, meaning) { Missing = why };
    }
}
