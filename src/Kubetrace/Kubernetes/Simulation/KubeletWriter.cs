using Kubetrace.Kubernetes.Catalog;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A pod's life on one node as the kubelet traces it (<see cref="KubeletCatalog"/>). Start: <c>syncPod</c> (a root:
/// the kubelet does not continue the apiserver's trace), the kubelet's GET of the pod's config map (an apiserver
/// trace linked to it), then the runtime's CRI calls sandbox → for each container image status, pull, create,
/// start, each with containerd's spans under it — children of <c>syncPod</c>, except in 1.28–1.29, where the
/// runtime gets a fresh context and each call is a root of its own (kubernetes#121192). Deletion:
/// <c>syncTerminatingPod</c> stops the containers and the sandbox, the kubelet reports the status,
/// <c>syncTerminatedPod</c> cleans up, and the pod container deletor removes the dead containers.
/// </summary>
internal sealed class KubeletWriter(SimulationContext sim, ClientCallWriter calls)
{
    private readonly ContainerdWriter _containerd = new(sim);

    /// <summary>Writes the sync of a new pod starting at <paramref name="start"/>; returns when syncPod ended.</summary>
    public long SyncPod(SimulatedNode node, string ns, string pod, string uid, string app, string image, long start, PodStartTimes? times = null)
    {
        var random = sim.Random;
        sim.Report.PodStarts++;
        var sync = PodSpan(KubeletNames.SyncPod, node, ns, pod, uid, start);
        sync.Proto?.Attributes.Add(sim.Attributes.Str(KubeletNames.UpdateType, KubeletNames.UpdateTypeCreate));
        var t = start + random.Micros(50, 300);
        var volume = calls.Call(new ApiCall(ApiVerb.Get, ApiResource.ConfigMaps, "", ns, app + "-config", node.Caller), t, sync.Context);
        t = volume.End + random.Micros(100, 1_000);

        // The runtime's SyncPod: its CRI calls hang under syncPod, or are roots where the runtime got a fresh context.
        OpenSpan? runtime = sim.Options.KubernetesVersion.KubeletCriCallsDetached ? null : sync;
        var sandboxStart = t;
        t = Cri(GrpcMethod.RunPodSandbox, node, runtime, t, random.Micros(150_000, 900_000));
        times?.Sandbox = t - sandboxStart;
        foreach (var containerImage in (ReadOnlySpan<string>)[SimulatedCluster.SidecarImage, image])
        {
            // The image manager asks for the image's status first, finds it missing and pulls it.
            t = Cri(GrpcMethod.ImageStatus, node, runtime, t, random.Micros(1_000, 6_000), new CriWork(containerImage));
            var pullTime = random.Micros(300_000, (int)(PlantedFaults.UsualPullTimeMax.Ticks / 10));
            var registryDelay = 0L;
            if (containerImage == sim.Faults.SlowImage)
            {
                // A slow registry: every layer download of the slow image takes this much longer.
                sim.Faults.SlowImageReport!.Pulls++;
                registryDelay = Math.Max(0, sim.Options.SlowImagePullTime.Ticks * 100 - pullTime);
            }
            t = Cri(GrpcMethod.PullImage, node, runtime, t + random.Micros(50, 300), pullTime + registryDelay,
                new CriWork(containerImage, pullTime));
            var (createAt, create) = (t + random.Micros(100, 500), random.Micros(20_000, 120_000));
            t = Cri(GrpcMethod.CreateContainer, node, runtime, createAt, create);
            var (startAt, startTime) = (t + random.Micros(100, 500), random.Micros(40_000, 250_000));
            t = Cri(GrpcMethod.StartContainer, node, runtime, startAt, startTime);
            if (times is not null)
                (times.Pulls, times.Containers, times.LastStarted) = (times.Pulls + pullTime + registryDelay, times.Containers + create + startTime, t);
        }
        var end = t + random.Micros(100, 500);
        sim.Recorder.End(sync, end);
        return end;
    }

    /// <summary>
    /// Writes the termination of a deleted pod starting at <paramref name="start"/>: stopping it, the status PATCH
    /// (the status manager's own call, so a trace of its own), the clean-up and the removal of its dead containers.
    /// Returns the apiserver requests made.
    /// </summary>
    public int TerminatePod(SimulatedNode node, string ns, string pod, string uid, long start)
    {
        var random = sim.Random;
        var terminating = PodSpan(KubeletNames.SyncTerminatingPod, node, ns, pod, uid, start);
        // killPod stops the sidecar and the app in parallel (a goroutine each): each StopContainer lasts until the
        // container exits within its grace period. StopPodSandbox then tears down the sandbox and its network.
        var stopStart = start + random.Micros(200, 2_000);
        var sidecarStopped = Cri(GrpcMethod.StopContainer, node, terminating, stopStart, random.Micros(200_000, 2_000_000));
        var appStopped = Cri(GrpcMethod.StopContainer, node, terminating, stopStart + random.Micros(10, 100), random.Micros(200_000, 2_000_000));
        var t = Cri(GrpcMethod.StopPodSandbox, node, terminating, Math.Max(sidecarStopped, appStopped) + random.Micros(100, 1_000), random.Micros(30_000, 300_000));
        var stopped = t + random.Micros(100, 500);
        sim.Recorder.End(terminating, stopped);
        var reported = calls.Call(new ApiCall(ApiVerb.Patch, ApiResource.Pods, "status", ns, pod, node.Caller), stopped + random.Micros(1_000, 20_000));
        var cleanup = reported.End + random.Micros(1_000, 10_000);
        var terminated = PodSpan(KubeletNames.SyncTerminatedPod, node, ns, pod, uid, cleanup);
        sim.Recorder.End(terminated, cleanup + random.Micros(2_000, 30_000));
        // PLEG's next relist (each second) sees the containers died; the pod container deletor removes them one after
        // the other with context.Background(), so each RemoveContainer is a trace of its own.
        var removed = Math.Max(sidecarStopped, appStopped) + random.Micros(1_000, 1_000_000);
        for (var container = 0; container < 2; container++)
            removed = Cri(GrpcMethod.RemoveContainer, node, parent: null, removed + random.Micros(50, 500), random.Micros(5_000, 40_000));
        return 1;
    }

    /// <summary>A pod worker's span (a root): the pod it works on, as <c>syncPod</c> and the termination syncs record it.</summary>
    private OpenSpan PodSpan(string name, SimulatedNode node, string ns, string pod, string uid, long start)
    {
        var span = sim.Recorder.Root(node.Kubelet, SimulatedScope.Kubelet, name, SpanKind.Internal, start, sim.Sampler);
        if (span.Proto is { } proto)
        {
            proto.Attributes.Add(Str(KubeletNames.PodUid, uid));
            proto.Attributes.Add(Str(KubeletNames.Pod, $"{ns}/{pod}"));
            proto.Attributes.Add(Str(KubeletNames.PodName, pod));
            proto.Attributes.Add(sim.Attributes.Str(KubeletNames.Namespace, ns));
        }
        return span;
    }

    /// <summary>
    /// One CRI call under <paramref name="parent"/>, or a root when the kubelet calls without a traced context: the
    /// client span of exactly <paramref name="duration"/> with otelgrpc's message events, containerd's side under it.
    /// Returns the client span's end.
    /// </summary>
    private long Cri(GrpcMethod method, SimulatedNode node, OpenSpan? parent, long start, long duration, CriWork work = default)
    {
        var random = sim.Random;
        var client = parent is { } caller
            ? sim.Recorder.Child(caller.Context, false, node.Kubelet, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start)
            : sim.Recorder.Root(node.Kubelet, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start, sim.Sampler);
        sim.Semconv.RpcMessage(client, "SENT", start + random.Micros(5, 30), random.Between(40, 2_000));
        var end = start + duration;
        _containerd.Serve(method, client.Context, node, start, end, work);
        sim.Semconv.RpcMessage(client, "RECEIVED", end - random.Micros(5, 30), random.Between(10, 4_000));
        sim.Semconv.RpcClient(client, method);
        sim.Recorder.End(client, end);
        return end;
    }
}
