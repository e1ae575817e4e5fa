using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's storage call (<c>Get etcd3</c>, <c>GuaranteedUpdate etcd3</c>, ...) in the order etcd3/store.go
/// makes its steps: a create attaches its TTL lease (<c>etcdserverpb.Lease/LeaseGrant</c>, reused for a minute)
/// before the KMS envelope transform, an update after it, then the <c>KV/Txn</c>; a read's objects are decrypted
/// after the <c>KV/Range</c>. Each etcd call is seen from both sides: the apiserver's otelgrpc client span and etcd's
/// server span under it, recorded only when the apiserver sampled (etcd's sampler is ParentBased).
/// </summary>
internal sealed class EtcdWriter(SimulationContext sim)
{
    /// <summary>The apiserver's <c>--lease-reuse-duration-seconds</c> default: one lease serves every TTL object written for 60 s.</summary>
    private const long LeaseReuseNanos = 60_000_000_000;

    private readonly EnvelopeTransformerWriter _kms = new(sim);
    private readonly EtcdApplyWriter _apply = new(sim);
    private long _leaseReusableUntil = long.MinValue;

    /// <summary>Writes the storage call starting at <paramref name="start"/> under <paramref name="parent"/>; returns when it ended.</summary>
    public long Store(ApiCall call, SimulatedSpanContext parent, string auditId, long start)
    {
        var random = sim.Random;
        var verb = call.Verb;
        var resource = call.Resource;
        var storage = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, verb.StorageSpan, SpanKind.Internal, start);
        string? key = null;
        if (storage.Proto is { } proto)
        {
            key = resource.StorageKey(call.Namespace, verb.IsList ? "" : call.Name);
            var a = proto.Attributes;
            a.Add(Str("audit-id", auditId));
            a.Add(Str("key", key));
            a.Add(sim.Attributes.Str("type", resource.TypeName(verb.IsList)));
            a.Add(sim.Attributes.Str("group", resource.Group));
            a.Add(sim.Attributes.Str("resource", resource.Resource));
            if (verb.IsList)
            {
                a.Add(sim.Attributes.Str("resourceVersion", call.ResourceVersion));
                a.Add(Str("resourceVersionMatch", ""));
                a.Add(Int("limit", 500));
                a.Add(Str("continue", ""));
            }
        }

        var encrypted = sim.Options.EffectiveKmsEncryption && resource == ApiResource.Secrets;
        if (encrypted && sim.Faults.SlowKmsReport is { } slowKms) slowKms.Requests++;
        var method = verb.Etcd;
        var t = start + random.Micros(5, 30);
        if (method == GrpcMethod.EtcdTxn)
        {
            if (verb == ApiVerb.Create) t = Lease(resource, storage.Context, t);
            if (encrypted) t = _kms.ToStorage(storage.Context, t);
            if (verb != ApiVerb.Create) t = Lease(resource, storage.Context, t);
        }
        var work = verb.IsList ? random.Micros(1_000, 15_000) : method == GrpcMethod.EtcdRange ? random.Micros(150, 900) : random.Micros(1_000, 4_000);
        if (resource == sim.Faults.SlowEtcdResource)
        {
            sim.Faults.SlowEtcdReport!.Operations++;
            work += sim.Options.EtcdAddedLatency.Ticks * 100;
        }
        t = Call(storage.Context, method, t, work, key, verb.IsList);
        if (encrypted && method == GrpcMethod.EtcdRange)
        {
            // KMS v2 decrypts each object with its cached data encryption key: one span per object read.
            var objects = verb.IsList ? random.Between(3, 12) : 1;
            for (var i = 0; i < objects; i++) t = _kms.FromStorage(storage.Context, t);
        }
        var end = t + (verb.IsList ? random.Micros(200, 3_000) : random.Micros(10, 100)); // decoding what etcd returned
        sim.Recorder.End(storage, end);
        return end;
    }

    /// <summary>
    /// One etcd gRPC call from the apiserver starting at <paramref name="start"/>, taking <paramref name="work"/> in
    /// etcd; <paramref name="key"/> (when recording) and <paramref name="prefix"/> describe a range for etcd 3.7's
    /// own spans. Returns when the apiserver's client span ended.
    /// </summary>
    public long Call(SimulatedSpanContext? parent, GrpcMethod method, long start, long work, string? key = null, bool prefix = false)
    {
        var random = sim.Random;
        var client = parent is { } p
            ? sim.Recorder.Child(p, false, sim.Cluster.Apiserver, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start)
            : sim.Recorder.Root(sim.Cluster.Apiserver, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start, sim.Sampler);
        var serverStart = start + random.Micros(40, 150);
        var server = sim.Recorder.Child(client.Context, remote: true, sim.Cluster.Etcd, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Server, serverStart);
        var serverEnd = serverStart + work;
        _apply.Write(server, method, key, prefix, serverStart, serverEnd);
        SemanticConventions.RpcServer(server, method);
        sim.Recorder.End(server, serverEnd);
        var clientEnd = serverEnd + random.Micros(40, 150);
        sim.Semconv.RpcClient(client, method);
        sim.Recorder.End(client, clientEnd);
        return clientEnd;
    }

    /// <summary>
    /// The apiserver's compactor (every 5 minutes, outside any request, so each call is a trace of its own): a
    /// transaction on the <c>compact_rev_key</c> that elects one apiserver, then the compaction of old revisions.
    /// </summary>
    public void Compact(long start)
    {
        var random = sim.Random;
        var t = Call(null, GrpcMethod.EtcdTxn, start, random.Micros(800, 3_000), "compact_rev_key");
        Call(null, GrpcMethod.EtcdCompact, t + random.Micros(50, 300), random.Micros(2_000, 8_000));
    }

    /// <summary>A TTL object's lease: granted when the last one is too old to reuse, else reused without a call.</summary>
    private long Lease(ApiResource resource, SimulatedSpanContext storage, long t)
    {
        if (!resource.Ttl || t < _leaseReusableUntil) return t;
        _leaseReusableUntil = t + LeaseReuseNanos;
        return Call(storage, GrpcMethod.EtcdLeaseGrant, t, sim.Random.Micros(800, 3_000)) + sim.Random.Micros(5, 20);
    }
}
