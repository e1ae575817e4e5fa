using static Kubetrace.Otlp.Proto.Trace.Span.Types;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// kubelet start-up traces: syncPod with the CRI client calls under it, and containerd's server spans (and, for
/// 1.7, its internal pull spans with <c>image.ref</c>) under those.
/// </summary>
internal static class PodStartups
{
    public const string Runtime = "runtime.v1.RuntimeService/";
    public const string Images = "runtime.v1.ImageService/";

    /// <summary>
    /// One pod's start-up on <paramref name="node"/>: sandbox, pull (when <paramref name="pullMs"/> &gt; 0),
    /// create and start in sequence from <paramref name="atMs"/>, with <paramref name="otherMs"/> of syncPod's own
    /// work at the end.
    /// <paramref name="image"/> is named by containerd 1.7's <c>pkg.cri.server.PullImage</c> span, or by
    /// nothing when null (containerd 1.6 has only its server span).
    /// </summary>
    public static KubeTraces Pod(this KubeTraces traces, int trace, string node, string ns, string name, string uid,
        long sandboxMs, long pullMs, string? image, long createMs, long startMs, long otherMs, long atMs = 0)
    {
        var t = atMs;
        var total = sandboxMs + pullMs + createMs + startMs + otherMs;
        traces.Span("kubelet", node, trace, 1, 0, "syncPod", atMs, atMs + total, attributes:
            [("k8s.pod.uid", uid), ("k8s.pod", ns + "/" + name), ("k8s.pod.name", name), ("k8s.namespace.name", ns), ("k8s.pod.update_type", "create")]);
        traces.Cri(trace, node, 10, Runtime + "RunPodSandbox", t, t += sandboxMs);
        if (pullMs > 0)
        {
            traces.Cri(trace, node, 20, Images + "PullImage", t, t + pullMs);
            if (image is not null)
                traces.Span("containerd", node, trace, 22, 21, "pkg.cri.server.PullImage", t + 2, t + pullMs - 2, attributes: [("image.ref", image)])
                      .Span("containerd", node, trace, 23, 22, "pull.Pull", t + 3, t + pullMs - 3, attributes: [("image.ref", image)]);
            t += pullMs;
        }
        traces.Cri(trace, node, 30, Runtime + "CreateContainer", t, t += createMs);
        traces.Cri(trace, node, 40, Runtime + "StartContainer", t, t += startMs);
        return traces;
    }

    /// <summary>
    /// containerd 1.7's layer spans under the <c>pull.Pull</c> of <see cref="Pod"/>'s trace: <c>pull.fetch</c> and
    /// <c>pkg.unpack.unpacker.unpackLayer</c> spans, from and to the milliseconds given (absolute, like the pod's).
    /// </summary>
    public static KubeTraces Layers(this KubeTraces traces, int trace, string node, (long From, long To)[] fetches, (long From, long To)[] unpacks)
    {
        var id = 100;
        foreach (var (from, to) in fetches) traces.Span("containerd", node, trace, id++, 23, "pull.fetch", from, to);
        foreach (var (from, to) in unpacks)
            traces.Span("containerd", node, trace, id++, 23, "pkg.unpack.unpacker.unpackLayer", from, to, attributes: [("snapshotter.name", "overlayfs")]);
        return traces;
    }

    /// <summary>kubelet's client span (id) and containerd's server span under it (id + 1), as otelgrpc names both.</summary>
    private static KubeTraces Cri(this KubeTraces traces, int trace, string node, int id, string method, long startMs, long endMs) =>
        traces.Span("kubelet", node, trace, id, 1, method, startMs, endMs, SpanKind.Client, attributes: RpcAttributes(method))
              .Span("containerd", node, trace, id + 1, id, method, startMs + 1, endMs - 1, SpanKind.Server, attributes: RpcAttributes(method));

    private static (string, string)[] RpcAttributes(string method) =>
        [("rpc.system", "grpc"), ("rpc.service", method[..method.IndexOf('/')]), ("rpc.method", method[(method.IndexOf('/') + 1)..])];
}
