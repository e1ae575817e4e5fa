using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// A kubelet pod start as a trace: <c>syncPod</c>, the CRI calls it makes (client spans in the kubelet, server
/// spans with message events in containerd) and the status PATCH to the apiserver, whose own trace links back to
/// it. 10 spans; a failed image pull ends the trace early with errors.
/// </summary>
internal static class KubeletTraces
{
    private static readonly (string Service, string Method)[] CriCalls =
    [
        ("runtime.v1.ImageService", "PullImage"),
        ("runtime.v1.RuntimeService", "RunPodSandbox"),
        ("runtime.v1.RuntimeService", "CreateContainer"),
        ("runtime.v1.RuntimeService", "StartContainer"),
    ];

    private static readonly string[] UpdateTypes = ["create", "update", "sync"];

    public static void SyncPod(TraceWriter w)
    {
        var v = w.Vocabulary;
        var ns = v.Namespace();
        var pod = v.PodName();
        var duration = v.Micros(300_000, 3_000_000);
        var root = w.Add(K8sComponent.Kubelet, InstrumentationScopes.Kubelet, "syncPod", SpanKind.Internal, null, 0, duration);
        root.Attributes.Add(Str("k8s.pod.uid", v.Uid()));
        root.Attributes.Add(Str("k8s.pod", $"{ns}/{pod}"));
        root.Attributes.Add(Str("k8s.pod.name", pod));
        root.Attributes.Add(Str("k8s.pod.update_type", v.Pick(UpdateTypes)));
        root.Attributes.Add(Str("k8s.namespace.name", ns));

        var pullFails = v.Chance(0.03);
        var offset = v.Micros(100, 2000);
        var slice = duration / (CriCalls.Length + 1);
        foreach (var (service, method) in CriCalls)
        {
            var failed = pullFails && method == "PullImage";
            CriCall(w, root, service, method, offset, slice * 9 / 10, failed);
            offset += slice;
            if (failed)
            {
                TraceWriter.Fail(root, $"failed to \"StartContainer\" for \"{pod.Split('-')[0]}\" with ErrImagePull");
                break;
            }
        }

        var patch = w.Add(K8sComponent.Kubelet, InstrumentationScopes.OtelHttp, "HTTP PATCH", SpanKind.Client, root,
            offset, v.Micros(1000, 8000));
        patch.Attributes.Add(Str("http.method", "PATCH"));
        patch.Attributes.Add(Str("http.url", $"https://10.96.0.1:443/api/v1/namespaces/{ns}/pods/{pod}/status"));
        patch.Attributes.Add(Int("http.status_code", 200));
        patch.Attributes.Add(Str("net.peer.name", "10.96.0.1"));
        patch.Attributes.Add(Int("net.peer.port", 443));
        w.PendingCaller = patch;
    }

    private static void CriCall(TraceWriter w, Span parent, string service, string method, long offset, long duration, bool failed)
    {
        var v = w.Vocabulary;
        var name = $"{service}/{method}";
        var grpcStatus = failed ? 2 : 0; // UNKNOWN, as containerd reports pull failures
        var client = w.Add(K8sComponent.Kubelet, InstrumentationScopes.OtelGrpc, name, SpanKind.Client, parent, offset, duration);
        client.Attributes.Add(Str("rpc.system", "grpc"));
        client.Attributes.Add(Str("rpc.service", service));
        client.Attributes.Add(Str("rpc.method", method));
        client.Attributes.Add(Int("rpc.grpc.status_code", grpcStatus));
        client.Attributes.Add(Str("net.peer.name", "/run/containerd/containerd.sock"));

        var server = w.Add(K8sComponent.Containerd, InstrumentationScopes.OtelGrpc, name, SpanKind.Server, client,
            50_000, duration - 100_000);
        server.Attributes.Add(Str("rpc.system", "grpc"));
        server.Attributes.Add(Str("rpc.service", service));
        server.Attributes.Add(Str("rpc.method", method));
        server.Attributes.Add(Int("rpc.grpc.status_code", grpcStatus));
        server.Attributes.Add(Str("net.peer.ip", "127.0.0.1"));
        server.Attributes.Add(Int("net.peer.port", 0));
        server.Events.Add(MessageEvent(server.StartTimeUnixNano + 1_000, "RECEIVED", v.Random.Next(80, 2000)));
        server.Events.Add(MessageEvent(server.EndTimeUnixNano - 1_000, "SENT", v.Random.Next(20, 400)));
        if (failed)
        {
            TraceWriter.Fail(client, "rpc error: code = Unknown desc = failed to pull and unpack image: not found");
            TraceWriter.Fail(server, "failed to pull and unpack image: not found");
        }
    }

    private static Span.Types.Event MessageEvent(ulong time, string type, int size) => new()
    {
        TimeUnixNano = time,
        Name = "message",
        Attributes =
        {
            Str("message.type", type),
            Int("message.id", 1),
            Int("message.uncompressed_size", size),
        },
    };
}
