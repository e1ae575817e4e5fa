using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's storage call (<c>Get etcd3</c>, <c>GuaranteedUpdate etcd3</c>, ...), its otelgrpc client span to
/// etcd, and etcd's server span under it, recorded only when the apiserver sampled (etcd's sampler is ParentBased).
/// </summary>
internal sealed class EtcdWriter(SimulationContext sim)
{
    /// <summary>Writes the storage call starting at <paramref name="start"/>; returns when it ended.</summary>
    public long Store(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        var random = sim.Random;
        var verb = call.Verb;
        var resource = call.Resource;
        var storage = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, verb.StorageSpan, SpanKind.Internal, start);
        if (storage.Proto is { } proto)
        {
            var a = proto.Attributes;
            a.Add(Str("audit-id", auditId));
            a.Add(Str("key", resource.StorageKey(call.Namespace, verb.IsList ? "" : call.Name)));
            a.Add(sim.Attributes.Str("type", resource.TypeName(verb.IsList)));
            a.Add(sim.Attributes.Str("group", resource.Group));
            a.Add(sim.Attributes.Str("resource", resource.Resource));
            if (verb.IsList)
            {
                a.Add(Str("resourceVersion", ""));
                a.Add(Str("resourceVersionMatch", ""));
                a.Add(Int("limit", 500));
                a.Add(Str("continue", ""));
            }
        }

        var method = verb.Etcd;
        var clientStart = start + random.Micros(5, 30);
        var client = sim.Recorder.Child(storage.Context, false, sim.Cluster.Apiserver, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, clientStart);
        var serverStart = clientStart + random.Micros(40, 150);
        var server = sim.Recorder.Child(client.Context, remote: true, sim.Cluster.Etcd, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Server, serverStart);
        var work = verb.IsList ? random.Micros(1_000, 15_000) : method == GrpcMethod.EtcdRange ? random.Micros(150, 900) : random.Micros(1_000, 4_000);
        if (resource == sim.Faults.SlowEtcdResource)
        {
            sim.Faults.SlowEtcdReport!.Operations++;
            work += sim.Options.EtcdAddedLatency.Ticks * 100;
        }
        var serverEnd = serverStart + work;
        SemanticConventions.RpcServer(server, method);
        sim.Recorder.End(server, serverEnd);
        var clientEnd = serverEnd + random.Micros(40, 150);
        sim.Semconv.RpcClient(client, method);
        sim.Recorder.End(client, clientEnd);
        var end = clientEnd + (verb.IsList ? random.Micros(200, 3_000) : random.Micros(10, 100)); // decoding what etcd returned
        sim.Recorder.End(storage, end);
        return end;
    }
}
