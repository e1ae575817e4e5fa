using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// containerd's side of a CRI call: the otelgrpc server span under the kubelet's client span (1.6: sampled by
/// trace-ID ratio alone, with message events; 1.7: ParentBased), and for 1.7 the internal spans of image pulls and
/// image status checks.
/// </summary>
internal sealed class ContainerdWriter(SimulationContext sim)
{
    private static readonly KeyValue Snapshotter = Str("snapshotter.name", "overlayfs");
    private static readonly KeyValue Received = Str("message.type", "RECEIVED");
    private static readonly KeyValue Sent = Str("message.type", "SENT");
    private static readonly KeyValue FirstMessage = Int("message.id", 1);

    private bool V17 => sim.Options.EffectiveContainerd == ContainerdVersion.V1_7;

    /// <summary>
    /// Writes the server span of a CRI call the kubelet made from <paramref name="start"/> to <paramref name="end"/>;
    /// returned so that containerd's own spans can go under it.
    /// </summary>
    public OpenSpan Serve(GrpcMethod method, SimulatedSpanContext client, SimulatedNode node, long start, long end)
    {
        var random = sim.Random;
        var serverStart = start + random.Micros(50, 200);
        var serverEnd = end - random.Micros(50, 200);
        var span = V17
            ? sim.Recorder.Child(client, remote: true, node.Containerd, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Server, serverStart)
            : sim.Recorder.ChildByRatio(client, sim.ContainerdSampler, node.Containerd, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Server, serverStart);
        if (span.Proto is { } proto)
        {
            SemanticConventions.RpcServer(span, method);
            proto.Attributes.Add(Str("net.peer.ip", "127.0.0.1"));
            proto.Attributes.Add(Int("net.peer.port", random.Between(30000, 60000)));
            proto.Events.Add(Message(Received, serverStart + 20_000));
            proto.Events.Add(Message(Sent, serverEnd - 20_000));
        }
        sim.Recorder.End(span, serverEnd);
        return span;
    }

    /// <summary>containerd 1.7's own span of an image status check inside the ImageStatus server span.</summary>
    public void StatusInternals(OpenSpan server, string image, long start, long end)
    {
        if (!V17) return;
        var status = sim.Recorder.Child(server.Context, false, server.Component, SimulatedScope.Containerd, "pkg.cri.server.ImageStatus", SpanKind.Internal,
            start + (end - start) / 10);
        status.Proto?.Attributes.Add(sim.Attributes.Str("image.ref", image));
        sim.Recorder.End(status, end - (end - start) / 10);
    }

    /// <summary>
    /// containerd 1.7's own spans of an image pull inside the PullImage server span; <paramref name="registryDelay"/>
    /// of it is a slow registry's, spent fetching.
    /// </summary>
    public void PullInternals(OpenSpan server, string image, long start, long end, long registryDelay)
    {
        if (!V17) return;
        var random = sim.Random;
        var cri = sim.Recorder.Child(server.Context, false, server.Component, SimulatedScope.Containerd, "pkg.cri.server.PullImage", SpanKind.Internal, start + random.Micros(10, 50));
        cri.Proto?.Attributes.Add(sim.Attributes.Str("image.ref", image));
        var pullStart = (long)(cri.Proto?.StartTimeUnixNano ?? (ulong)start) + random.Micros(10, 50);
        var pullEnd = end - random.Micros(100, 400);
        var pull = sim.Recorder.Child(cri.Context, false, server.Component, SimulatedScope.Containerd, "pull.Pull", SpanKind.Internal, pullStart);
        pull.Proto?.Attributes.Add(sim.Attributes.Str("image.ref", image));
        // Layers are fetched, then unpacked: about 70% of a usual pull fetching, the rest unpacking; a slow
        // registry's delay adds to the fetching alone.
        var layers = 1 + random.Next(3);
        var usual = Math.Max(0, pullEnd - pullStart - registryDelay);
        var fetchTime = (usual * 7 / 10 + Math.Min(registryDelay, pullEnd - pullStart)) / layers;
        var unpackTime = usual * 3 / 10 / layers;
        var t = pullStart;
        for (var i = 0; i < layers; i++, t += fetchTime)
            sim.Recorder.End(sim.Recorder.Child(pull.Context, false, server.Component, SimulatedScope.Containerd, "pull.fetch", SpanKind.Internal, t), t + fetchTime - 1_000);
        for (var i = 0; i < layers; i++, t += unpackTime)
        {
            var unpack = sim.Recorder.Child(pull.Context, false, server.Component, SimulatedScope.Containerd, "pkg.unpack.unpacker.unpackLayer", SpanKind.Internal, t);
            unpack.Proto?.Attributes.Add(Snapshotter);
            sim.Recorder.End(unpack, t + unpackTime - 1_000);
        }
        sim.Recorder.End(pull, pullEnd);
        if (cri.Proto is { } proto) proto.Attributes.Add(Str("image.id", "sha256:" + random.NextUInt64().ToString("x16") + random.NextUInt64().ToString("x16")));
        sim.Recorder.End(cri, end - random.Micros(20, 80));
    }

    private static Span.Types.Event Message(KeyValue type, long time)
    {
        var message = new Span.Types.Event { Name = "message", TimeUnixNano = (ulong)time };
        message.Attributes.Add(type);
        message.Attributes.Add(FirstMessage);
        return message;
    }
}
