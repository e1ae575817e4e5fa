using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A pod start on one node as the kubelet traces it: <c>syncPod</c> (a root: the kubelet does not continue the
/// apiserver's trace), the kubelet's GET of the pod's config map (an apiserver trace linked to it), then the CRI
/// calls sandbox → for each container pull, create, start, each with containerd's span under it.
/// </summary>
internal sealed class KubeletWriter(SimulationContext sim, ClientCallWriter calls)
{
    private readonly ContainerdWriter _containerd = new(sim);

    /// <summary>Writes the sync of a new pod starting at <paramref name="start"/>; returns when syncPod ended.</summary>
    public long SyncPod(SimulatedNode node, string ns, string pod, string uid, string app, string image, long start)
    {
        var random = sim.Random;
        sim.Report.PodStarts++;
        var sync = sim.Recorder.Root(node.Kubelet, SimulatedScope.Kubelet, "syncPod", SpanKind.Internal, start, sim.Sampler);
        if (sync.Proto is { } proto)
        {
            proto.Attributes.Add(Str("k8s.pod.uid", uid));
            proto.Attributes.Add(Str("k8s.pod", $"{ns}/{pod}"));
            proto.Attributes.Add(Str("k8s.pod.name", pod));
            proto.Attributes.Add(sim.Attributes.Str("k8s.pod.update_type", "create"));
            proto.Attributes.Add(sim.Attributes.Str("k8s.namespace.name", ns));
        }
        var t = start + random.Micros(50, 300);
        var volume = calls.Call(new ApiCall(ApiVerb.Get, ApiResource.ConfigMaps, "", ns, app + "-config", node.Caller), t, sync.Context);
        t = volume.End + random.Micros(100, 1_000);

        t = Cri(GrpcMethod.RunPodSandbox, node, sync, t, random.Micros(150_000, 900_000));
        foreach (var containerImage in (ReadOnlySpan<string>)[SimulatedCluster.SidecarImage, image])
        {
            var pullTime = random.Micros(300_000, (int)(PlantedFaults.UsualPullTimeMax.Ticks / 10));
            if (containerImage == sim.Faults.SlowImage)
            {
                sim.Faults.SlowImageReport!.Pulls++;
                pullTime = sim.Options.SlowImagePullTime.Ticks * 100;
            }
            t = Cri(GrpcMethod.PullImage, node, sync, t, pullTime, containerImage);
            t = Cri(GrpcMethod.CreateContainer, node, sync, t + random.Micros(100, 500), random.Micros(20_000, 120_000));
            t = Cri(GrpcMethod.StartContainer, node, sync, t + random.Micros(100, 500), random.Micros(40_000, 250_000));
        }
        var end = t + random.Micros(100, 500);
        sim.Recorder.End(sync, end);
        return end;
    }

    /// <summary>One CRI call of <paramref name="duration"/> (exact, as the kubelet's client span records it); returns its end.</summary>
    private long Cri(GrpcMethod method, SimulatedNode node, OpenSpan sync, long start, long duration, string? image = null)
    {
        var client = sim.Recorder.Child(sync.Context, false, node.Kubelet, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start);
        var end = start + duration;
        var server = _containerd.Serve(method, client.Context, node, start, end);
        var serverStart = (long)(server.Proto?.StartTimeUnixNano ?? (ulong)start);
        var serverEnd = (long)(server.Proto?.EndTimeUnixNano ?? (ulong)end);
        if (image is not null)
            _containerd.PullInternals(server, image, serverStart, serverEnd);
        if (method == GrpcMethod.StartContainer)
        {
            var taskStart = start + (end - start) / 4;
            var task = _containerd.Serve(GrpcMethod.TasksCreate, server.Context, node, taskStart, taskStart + (end - start) / 2);
            _ = task;
        }
        sim.Semconv.RpcClient(client, method);
        sim.Recorder.End(client, end);
        return end;
    }
}
