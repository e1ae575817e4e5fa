namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// One action followed through every component, as the design note's sequence diagram draws it: the deployer
/// (traced) patches a Deployment's pod template; after its informer and work queue the deployment controller
/// creates the new ReplicaSet; the replicaset controller creates its pods (generateName: the ReplicaSet's name and
/// 5 characters); the scheduler binds each; each node's kubelet syncs its pod (sandbox, image pulls, containers,
/// with containerd under every CRI call) and patches its status; the controllers update the ReplicaSet's and the
/// Deployment's status. kube-controller-manager and kube-scheduler do not trace, so their requests are root
/// apiserver traces. What it planted (each gap as drawn) is recorded in the report (<see cref="RolloutTruth"/>).
/// </summary>
internal sealed class DeploymentRollout(SimulationContext sim, ClientCallWriter calls, KubeletWriter kubelet)
{
    /// <summary>Pods each rollout creates.</summary>
    public const int Replicas = 2;

    /// <summary>The rollouts whose truth the report keeps (the first ones: enough for tests, a bounded report).</summary>
    public const int RecordedRollouts = 20;

    private const string NameChars = "bcdfghjklmnpqrstvwxz2456789";

    /// <summary>kube-controller-manager's deployment controller (its own service account's user agent, as --use-service-account-credentials gives).</summary>
    public static readonly ApiCaller DeploymentController = new("system:serviceaccount:kube-system:deployment-controller",
        "kube-controller-manager/v1 (linux/amd64) kubernetes/sim/system:serviceaccount:kube-system:deployment-controller",
        "10.0.0.2", ApiCaller.ProtobufAccept, false, null);

    /// <summary>Writes a rollout starting at <paramref name="start"/>; returns how many apiserver requests it made.</summary>
    public int Write(string ns, string app, string image, long start)
    {
        var random = sim.Random;
        var report = sim.Report;
        report.DeploymentRollouts++;
        var replicaSet = $"{app}-{Name(random, 10)}";
        var truth = new RolloutTruth { Namespace = ns, Deployment = app, ReplicaSet = replicaSet, Image = image };
        var requests = 1;
        var written = calls.Call(new ApiCall(ApiVerb.Patch, ApiResource.Deployments, "", ns, app, sim.Cluster.Deployer), start);
        if (written.Failed) return requests;
        truth.DeploymentQueueing = Nanos(random.Micros(2_000, 40_000));
        var rsCreated = calls.Call(new ApiCall(ApiVerb.Create, ApiResource.ReplicaSets, "", ns, replicaSet, DeploymentController),
            written.End + truth.DeploymentQueueing.Ticks * 100);
        requests++;
        if (rsCreated.Failed) return requests;
        var lastStatus = rsCreated.End;
        var podStart = rsCreated.End;
        for (var i = 0; i < Replicas; i++)
        {
            var pod = new PodTruth { Name = $"{replicaSet}-{Name(random, 5)}" };
            truth.Pods.Add(pod);
            // The replicaset controller creates the pods one after the other (a slow-start batch of one, then two, ...).
            pod.ReplicaSetQueueing = Nanos(random.Micros(1_000, 15_000) + (podStart - rsCreated.End));
            var created = calls.Call(new ApiCall(ApiVerb.Create, ApiResource.Pods, "", ns, pod.Name, SimulatedCluster.ControllerManager),
                rsCreated.End + pod.ReplicaSetQueueing.Ticks * 100);
            requests++;
            podStart = created.End;
            if (created.Failed) continue;
            pod.SchedulingDelay = sim.Faults.SlowSchedulingReport is { } slow ? slow.Delay : Nanos(random.Micros(2_000, 30_000));
            if (sim.Faults.SlowSchedulingReport is { } planted) planted.Pods++;
            var bound = calls.Call(new ApiCall(ApiVerb.Create, ApiResource.Pods, "binding", ns, pod.Name, SimulatedCluster.Scheduler),
                created.End + pod.SchedulingDelay.Ticks * 100);
            requests++;
            if (bound.Failed) continue;
            var node = random.Pick(sim.Cluster.Nodes);
            pod.Node = node.Name;
            pod.KubeletPickup = Nanos(random.Micros(5_000, 60_000));
            var times = new PodStartTimes();
            var synced = kubelet.SyncPod(node, ns, pod.Name, random.Uuid(), app, image, bound.End + pod.KubeletPickup.Ticks * 100, times);
            requests++; // the kubelet's GET of the pod's config map
            (pod.Sandbox, pod.ImagePull, pod.ContainerStart) = (Nanos(times.Sandbox), Nanos(times.Pulls), Nanos(times.Containers));
            pod.StatusReport = Nanos(synced - times.LastStarted + random.Micros(5_000, 50_000));
            var reported = calls.Call(new ApiCall(ApiVerb.Patch, ApiResource.Pods, "status", ns, pod.Name, node.Caller),
                times.LastStarted + pod.StatusReport.Ticks * 100);
            requests++;
            lastStatus = Math.Max(lastStatus, reported.End);
        }
        var rsStatus = calls.Call(new ApiCall(ApiVerb.Update, ApiResource.ReplicaSets, "status", ns, replicaSet, SimulatedCluster.ControllerManager),
            lastStatus + random.Micros(1_000, 10_000));
        calls.Call(new ApiCall(ApiVerb.Update, ApiResource.Deployments, "status", ns, app, DeploymentController), rsStatus.End + random.Micros(1_000, 10_000));
        if (report.Rollouts.Count < RecordedRollouts) report.Rollouts.Add(truth);
        return requests + 2;
    }

    private static TimeSpan Nanos(long nanos) => TimeSpan.FromTicks(nanos / 100);

    private static string Name(SimRandom random, int length) => string.Create(length, random, static (chars, r) =>
    {
        for (var i = 0; i < chars.Length; i++) chars[i] = NameChars[r.Next(NameChars.Length)];
    });
}

/// <summary>What the kubelet's CRI calls of one start-up took, as the simulator drew them (for the report's truth).</summary>
internal sealed class PodStartTimes
{
    public long Sandbox { get; set; }

    public long Pulls { get; set; }

    /// <summary>CreateContainer and StartContainer, every container.</summary>
    public long Containers { get; set; }

    /// <summary>When the last StartContainer call returned.</summary>
    public long LastStarted { get; set; }
}
