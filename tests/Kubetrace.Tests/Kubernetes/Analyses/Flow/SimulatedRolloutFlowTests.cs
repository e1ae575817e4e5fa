using Kubetrace.Kubernetes.Analyses.Flow;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Simulation;
using Kubetrace.Tests.Storage;
using static Kubetrace.Kubernetes.Analyses.Flow.FlowGaps;

namespace Kubetrace.Tests.Kubernetes.Analyses.Flow;

/// <summary>
/// A simulated cluster rolls out Deployments (the deployer patches one; the controllers, the scheduler, the kubelets
/// and containerd do the rest) with a slow scheduler and a slow image planted; every trace is kept. The flow of a
/// rollout must hold every step in order, and its gaps must be the ones the simulator drew.
/// </summary>
public sealed class SimulatedRolloutFlowTests
{
    private static readonly TimeSpan Millisecond = TimeSpan.FromMilliseconds(1);

    [Fact]
    public async Task A_rollouts_flow_measures_the_planted_scheduling_delay_image_pull_and_every_other_gap()
    {
        var simulated = SimulatedSpans.Run(new SimulationOptions
        {
            Scenarios = SimulationScenario.SlowScheduling | SimulationScenario.ImagePullSlow, SchedulingDelay = TimeSpan.FromSeconds(3),
            Duration = TimeSpan.FromSeconds(60), RequestsPerSecond = 20, Seed = 17,
        });
        var report = simulated.Report;
        var rollout = report.Rollouts.First(r => r.Pods.Count == DeploymentRollout.Replicas && r.Pods.All(p => p.Node is not null));
        await using var store = new TempStore();
        foreach (var batch in simulated.Batches) await store.AppendAsync(batch.Request);

        var flow = await FlowAnalysis.AnalyseAsync(store.Store, TimeRange.All, FlowTarget.Parse($"deployment/{rollout.Namespace}/{rollout.Deployment}"),
            200, 10, FlowRates.Unknown, CancellationToken.None);

        Assert.Equal("Deployment", flow.Kind);
        Assert.Equal(rollout.Pods.Select(p => p.Name), flow.Pods);
        Assert.Empty(flow.Missing);
        Within(rollout.DeploymentQueueing, flow.Gap(DeploymentQueueing), Millisecond);
        foreach (var pod in rollout.Pods)
        {
            Within(pod.ReplicaSetQueueing, flow.Gap(ReplicaSetQueueing, pod.Name), Millisecond);
            Assert.Equal(report.SlowScheduling!.Delay, pod.SchedulingDelay);
            Within(pod.SchedulingDelay, flow.Gap(Scheduling, pod.Name), Millisecond);
            Within(pod.KubeletPickup, flow.Gap(KubeletPickup, pod.Name), Millisecond);
            Within(pod.Sandbox, flow.Gap(Sandbox, pod.Name));
            Within(pod.ImagePull, flow.Gap(ImagePull, pod.Name));
            Within(pod.ContainerStart, flow.Gap(ContainerStart, pod.Name));
            Within(pod.StatusReport, flow.Gap(StatusReport, pod.Name), Millisecond);
        }
        if (rollout.Image == report.SlowImage!.Image)
            Assert.All(rollout.Pods, p => Assert.True(flow.Gap(ImagePull, p.Name)!.Nanos >= report.SlowImage.PullTime.Ticks * 100));

        // The steps in the order the sequence diagram draws them, each from the component that emits it; the
        // controllers update their status whenever they sync (background updates fall anywhere), last after the pods'.
        var kinds = flow.Steps.Where(s => s.Pod is null || s.Pod == rollout.Pods[0].Name).Select(s => s.Kind).ToList();
        FlowStepKind[] sequence = [FlowStepKind.ClientCall, FlowStepKind.DeploymentWrite, FlowStepKind.ReplicaSetCreate, FlowStepKind.PodCreate,
            FlowStepKind.Binding, FlowStepKind.SyncPod, FlowStepKind.Cri, FlowStepKind.Containerd, FlowStepKind.PodStatus];
        var firsts = sequence.Select(k => kinds.IndexOf(k)).ToList();
        Assert.DoesNotContain(-1, firsts);
        Assert.Equal(firsts.Order(), firsts);
        var lastReports = new[] { FlowStepKind.PodStatus, FlowStepKind.ReplicaSetStatus, FlowStepKind.DeploymentStatus }.Select(k => kinds.LastIndexOf(k)).ToList();
        Assert.Equal(lastReports.Order(), lastReports);
        Assert.Equal("kube-controller-manager (deployment-controller)", flow.Steps.Single(s => s.Kind == FlowStepKind.ReplicaSetCreate).Caller);
        Assert.All(flow.Steps.Where(s => s.Kind == FlowStepKind.Binding), s => Assert.Equal("kube-scheduler", s.Caller));
    }

    /// <summary>
    /// The measured gap is the planted one: to the report's tick (100 ns) for the CRI phases (kubelet's client spans last what was drawn),
    /// within <paramref name="margin"/> where a step is an apiserver request, whose spans add their own microseconds
    /// (filters, audit, a traced caller's client span around its server span).
    /// </summary>
    private static void Within(TimeSpan planted, FlowGap? gap, TimeSpan? margin = null)
    {
        Assert.NotNull(gap);
        Assert.True(gap.Nanos is not null, $"{gap.Pod} {gap.Name}: {gap.Missing}");
        var error = Math.Abs(gap.Nanos!.Value - planted.Ticks * 100);
        Assert.True(error <= (margin ?? TimeSpan.FromTicks(1)).Ticks * 100, $"{gap.Pod} {gap.Name}: measured {gap.Nanos} ns, planted {planted.Ticks * 100} ns");
    }
}
