using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The apiserver's etcd3 store as k8s.io/apiserver's store.go traces it (<see cref="ApiserverStorageCatalog"/>):
/// <c>Create etcd3</c> and <c>GuaranteedUpdate etcd3</c> with their events in the order the code makes its steps
/// (encode, the TTL lease of a create, the KMS envelope transform, the Txn, decode), <c>List(recursive=…) etcd3</c>,
/// and a Get that has no span of its own (its <c>KV/Range</c> hangs under its caller). Keys are recorded without
/// the <c>/registry</c> prefix; <c>resource</c> is group.resource until 1.33, <c>group</c> and <c>resource</c> from
/// 1.34. Each etcd call is seen from both sides: the apiserver's otelgrpc client span (its attributes and
/// <c>message</c> events per the otelgrpc of the release) and etcd's server span under it, with etcd 3.7's request
/// spans inside (<see cref="EtcdApplyWriter"/>).
/// </summary>
internal sealed class EtcdWriter(SimulationContext sim)
{
    /// <summary>The apiserver's <c>--lease-reuse-duration-seconds</c> default: one lease serves every TTL object written for 60 s.</summary>
    private const long LeaseReuseNanos = 60_000_000_000;

    /// <summary>The TTL the lease manager asks for: the object's TTL (events: 1 h) plus the reuse period.</summary>
    private const long LeaseTtlSeconds = 3_660;

    private static readonly KeyValue Zero = Int(StorageKeys.Limit, 0);

    private readonly EnvelopeTransformerWriter _kms = new(sim);
    private readonly EtcdApplyWriter _apply = new(sim);
    private long _leaseReusableUntil = long.MinValue;
    private long _leaseId = 0x694d_8a3c_1f00;

    private KubernetesVersion Kubernetes => sim.Options.KubernetesVersion;

    /// <summary>A write (create, update, patch, graceful delete, pods/binding) under the handler from <paramref name="start"/>; returns when it ended.</summary>
    public long Write(ApiCall call, SimulatedSpanContext handler, string auditId, long start)
    {
        var random = sim.Random;
        var resource = call.Resource;
        var create = call.Verb == ApiVerb.Create && call.Subresource.Length == 0;
        var key = resource.StorageKey(call.Namespace, call.Name);
        var storage = sim.Recorder.Child(handler, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase,
            create ? StorageNames.Create : StorageNames.GuaranteedUpdate, SpanKind.Internal, start);
        Describe(storage, auditId, key, resource.TypeName(list: false), resource);
        var encrypted = Encrypted(resource);
        var size = (int)random.Between(600, 6_000);

        var t = start + random.Micros(5, 30);
        if (!create)
        {
            // The cacher hands its copy of the object to GuaranteedUpdate; without a watch cache it is read first
            // and, encrypted, decrypted inside the request (store.go getCurrentState → getState's
            // TransformFromStorage: #L904 at v0.27.0, #L973 at v0.33.0, #L476/#L1023 at v0.34.0, #L1038 at v0.36.0).
            if (!sim.WatchCached(resource))
            {
                t = Call(storage.Context, GrpcMethod.EtcdRange, t, random.Micros(150, 900), EtcdRequest.Get(ResourceEtcdKey(key), size));
                if (encrypted) t = _kms.FromStorage(storage.Context, t, _kms.DekOf(key));
            }
            storage.AddEvent(t, StorageEvents.InitialValueRestored);
            t += random.Micros(10, 60); // the update function: admission, defaulting, validation of the new object
        }
        storage.AddEvent(t, StorageEvents.AboutToEncode);
        t += random.Micros(10, 80);
        storage.AddEvent(t, StorageEvents.EncodeSucceeded, Int(StorageKeys.Len, size));
        var lease = 0L;
        if (create) t = Lease(resource, storage.Context, t, ref lease);
        if (encrypted) t = _kms.ToStorage(storage.Context, t, key);
        storage.AddEvent(t, StorageEvents.TransformToStorageSucceeded);
        if (!create)
        {
            t = Lease(resource, storage.Context, t, ref lease);
            storage.AddEvent(t, StorageEvents.TransactionPrepared);
        }

        var work = random.Micros(1_000, 4_000) + SlowEtcd(resource);
        t = Call(storage.Context, GrpcMethod.EtcdTxn, t, work, EtcdRequest.Put(ResourceEtcdKey(key), lease, size, create));
        if (create) storage.AddEvent(t, StorageEvents.TxnSucceeded);
        else
        {
            storage.AddEvent(t, StorageEvents.TxnCompleted);
            storage.AddEvent(t, StorageEvents.TransactionCommitted);
        }
        t += random.Micros(10, 100);
        storage.AddEvent(t, StorageEvents.DecodeSucceeded, Int(StorageKeys.Len, size));
        var end = t + random.Micros(2, 10);
        sim.Recorder.End(storage, end);
        return end;
    }

    /// <summary>
    /// A GET that reaches etcd: <c>store.Get</c> has no span, so the <c>KV/Range</c> (and a secret's decryption)
    /// hang under <paramref name="parent"/> (the handler, or <c>cacher.Get</c> from 1.32).
    /// </summary>
    public long Get(ApiCall call, SimulatedSpanContext parent, long start)
    {
        var random = sim.Random;
        var key = call.Resource.StorageKey(call.Namespace, call.Name);
        var t = Call(parent, GrpcMethod.EtcdRange, start, random.Micros(150, 900) + SlowEtcd(call.Resource), EtcdRequest.Get(ResourceEtcdKey(key), (int)random.Between(600, 6_000)));
        if (Encrypted(call.Resource)) t = _kms.FromStorage(parent, t, _kms.DekOf(key));
        return t + random.Micros(10, 100); // decoding
    }

    /// <summary>
    /// <c>List(recursive=…) etcd3</c> under <paramref name="parent"/>: a LIST that etcd serves (<paramref name="objects"/> objects
    /// read), or the consistent read's resource-version probe (<see cref="Probe"/>). Returns when the span ended.
    /// </summary>
    public long List(ApiCall call, SimulatedSpanContext parent, string auditId, long start, int objects)
    {
        var random = sim.Random;
        var resource = call.Resource;
        var key = resource.StorageKey(call.Namespace, "");
        var span = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, StorageNames.ListRecursive, SpanKind.Internal, start);
        if (span.Proto is { } proto)
        {
            var a = proto.Attributes;
            a.Add(Str(StorageKeys.AuditId, auditId));
            a.Add(Str(StorageKeys.Key, key));
            a.Add(sim.Attributes.Str(StorageKeys.ResourceVersion, call.ResourceVersion));
            a.Add(sim.Attributes.Str(StorageKeys.ResourceVersionMatch, ""));
            a.Add(Int(StorageKeys.Limit, ListLimit));
            a.Add(Str(StorageKeys.Continue, ""));
        }
        var work = random.Micros(1_000, 6_000) + objects * random.Micros(20, 60) + SlowEtcd(resource);
        var t = Call(span.Context, GrpcMethod.EtcdRange, start + random.Micros(5, 30), work,
            EtcdRequest.List(ResourceEtcdKey(key) + "/", ListLimit, objects * (int)random.Between(1_500, 4_000)));
        if (objects > 0 && Encrypted(resource))
            for (var i = 0; i < objects; i++) t = _kms.FromStorage(span.Context, t, DekCache.DekOfListed(i));
        var end = t + objects * random.Micros(5, 40); // decoding and filtering what etcd returned
        sim.Recorder.End(span, end);
        return end;
    }

    /// <summary>The page size the simulated clients ask for (client-go's informers list in pages of 500).</summary>
    public const int ListLimit = 500;

    /// <summary>
    /// The consistent read's resource-version probe (1.31+): <c>List(recursive=false) etcd3</c> of the resource
    /// prefix with limit 1, under <paramref name="parent"/> (the handler through 1.33, <c>cacher.GetList</c> from 1.34).
    /// </summary>
    public long Probe(ApiResource resource, SimulatedSpanContext parent, string auditId, long start)
    {
        var random = sim.Random;
        var span = sim.Recorder.Child(parent, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, StorageNames.ListSingle, SpanKind.Internal, start);
        if (span.Proto is { } proto)
        {
            var a = proto.Attributes;
            a.Add(Str(StorageKeys.AuditId, auditId));
            a.Add(sim.Attributes.Str(StorageKeys.Key, resource.ResourcePrefix));
            a.Add(sim.Attributes.Str(StorageKeys.ResourceVersion, ""));
            a.Add(sim.Attributes.Str(StorageKeys.ResourceVersionMatch, ""));
            a.Add(Int(StorageKeys.Limit, 1));
            a.Add(Str(StorageKeys.Continue, ""));
        }
        var t = Call(span.Context, GrpcMethod.EtcdRange, start + random.Micros(5, 20), random.Micros(150, 600) + SlowEtcd(resource),
            EtcdRequest.Get(ResourceEtcdKey(resource.ResourcePrefix), 0, limit: 1));
        var end = t + random.Micros(5, 20);
        sim.Recorder.End(span, end);
        return end;
    }

    /// <summary>A call whose request the spans do not describe (a watch stream).</summary>
    public long Call(SimulatedSpanContext? parent, GrpcMethod method, long start, long work) => Call(parent, method, start, work, EtcdRequest.None);

    /// <summary>
    /// One etcd gRPC call from the apiserver starting at <paramref name="start"/>, taking <paramref name="work"/> in
    /// etcd. Returns when the apiserver's client span ended.
    /// </summary>
    public long Call(SimulatedSpanContext? parent, GrpcMethod method, long start, long work, EtcdRequest request)
    {
        var random = sim.Random;
        var client = parent is { } p
            ? sim.Recorder.Child(p, false, sim.Cluster.Apiserver, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start)
            : sim.Recorder.Root(sim.Cluster.Apiserver, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Client, start, sim.Sampler);
        var serverStart = start + random.Micros(40, 150);
        var server = sim.Recorder.Child(client.Context, remote: true, sim.Cluster.Etcd, SimulatedScope.OtelGrpc, method.SpanName, SpanKind.Server, serverStart);
        var serverEnd = serverStart + work;
        _apply.Write(server, method, request, serverStart, serverEnd);
        ServerSpan(server, method, request, serverStart, serverEnd);
        sim.Recorder.End(server, serverEnd);
        var clientEnd = serverEnd + random.Micros(40, 150);
        sim.Semconv.RpcClient(client, method);
        ClientMessages(client, request, start + random.Micros(2, 10), serverEnd + random.Micros(20, 40));
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
        var t = Call(null, GrpcMethod.EtcdTxn, start, random.Micros(800, 3_000), EtcdRequest.CompactElection);
        Call(null, GrpcMethod.EtcdCompact, t + random.Micros(50, 300), random.Micros(2_000, 8_000), EtcdRequest.Compaction);
    }

    /// <summary>etcd's lessor revoking an expired lease (each minute: one lease per minute of TTL writes): a root <c>lease_revoke</c> span in 3.7.</summary>
    public void RevokeExpiredLease(long start) => _apply.RevokeExpiredLease(start, _leaseId - 60);

    /// <summary>A TTL object's lease: granted when the last one is too old to reuse, else reused without a call.</summary>
    private long Lease(ApiResource resource, SimulatedSpanContext storage, long t, ref long lease)
    {
        if (!resource.Ttl) return t;
        if (t >= _leaseReusableUntil)
        {
            _leaseReusableUntil = t + LeaseReuseNanos;
            _leaseId++;
            t = Call(storage, GrpcMethod.EtcdLeaseGrant, t, sim.Random.Micros(800, 3_000), EtcdRequest.Grant(_leaseId, LeaseTtlSeconds)) + sim.Random.Micros(5, 20);
        }
        lease = _leaseId;
        return t;
    }

    private void Describe(in OpenSpan storage, string auditId, string key, string type, ApiResource resource)
    {
        if (storage.Proto is not { } proto) return;
        var a = proto.Attributes;
        a.Add(Str(StorageKeys.AuditId, auditId));
        a.Add(Str(StorageKeys.Key, key));
        a.Add(sim.Attributes.Str(StorageKeys.Type, type));
        if (Kubernetes.Minor <= 33) a.Add(sim.Attributes.Str(StorageKeys.Resource, resource.GroupResource));
        else
        {
            a.Add(sim.Attributes.Str(StorageKeys.Group, resource.Group));
            a.Add(sim.Attributes.Str(StorageKeys.Resource, resource.Resource));
        }
    }

    /// <summary>Whether the resource is encrypted at rest.</summary>
    private bool Encrypted(ApiResource resource) => sim.Options.EffectiveKmsEncryption && resource == ApiResource.Secrets;

    private long SlowEtcd(ApiResource resource)
    {
        if (resource != sim.Faults.SlowEtcdResource) return 0;
        sim.Faults.SlowEtcdReport!.Operations++;
        return sim.Options.EtcdAddedLatency.Ticks * 100;
    }

    private static string ResourceEtcdKey(string storageKey) => ApiResource.EtcdKey(storageKey);

    /// <summary>etcd's otelgrpc server span: old conventions with peer and message events through 3.6, new ones from 3.7.</summary>
    private void ServerSpan(in OpenSpan server, GrpcMethod method, in EtcdRequest request, long start, long end)
    {
        if (server.Proto is not { } proto) return;
        var etcd = sim.Options.EffectiveEtcd;
        if (etcd.NewRpcConventions)
        {
            proto.Attributes.Add(method.FullMethod);
            proto.Attributes.Add(Str(StorageKeys.RpcSystemNew, "grpc"));
            proto.Attributes.Add(Str(StorageKeys.RpcStatusNew, "OK"));
            return;
        }
        SemanticConventions.RpcServer(server, method);
        var legacyPeer = etcd.ServerMessageEvents;
        proto.Attributes.Add(Str(legacyPeer ? "net.peer.ip" : "net.sock.peer.addr", ApiserverAddress));
        proto.Attributes.Add(legacyPeer ? Str("net.peer.port", ApiserverPort.ToString(System.Globalization.CultureInfo.InvariantCulture)) : Int("net.sock.peer.port", ApiserverPort));
        if (!legacyPeer) return;
        server.AddEvent(start, EtcdEvents.Message, Str(StorageKeys.MessageType, "RECEIVED"), Int(StorageKeys.MessageId, 1), Int(StorageKeys.MessageUncompressedSize, request.RequestBytes));
        server.AddEvent(end, EtcdEvents.Message, Str(StorageKeys.MessageType, "SENT"), Int(StorageKeys.MessageId, 1), Int(StorageKeys.MessageUncompressedSize, request.ResponseBytes));
    }

    private const string ApiserverAddress = "10.0.0.10";
    private const int ApiserverPort = 52_418;

    /// <summary>The client span's <c>message</c> events, as the release's otelgrpc writes them (<see cref="EtcdClientConventions"/>).</summary>
    private void ClientMessages(in OpenSpan client, in EtcdRequest request, long sent, long received)
    {
        if (!client.Recording) return;
        var conventions = StorageKeys.ClientConventions(ComponentRelease.Kubernetes(Kubernetes.Minor));
        var (type, id, compressed, uncompressed) = conventions switch
        {
            EtcdClientConventions.InterceptorWithSizes => (StorageKeys.MessageType, StorageKeys.MessageId, null, StorageKeys.MessageUncompressedSize),
            EtcdClientConventions.Interceptor => (StorageKeys.MessageType, StorageKeys.MessageId, null, null),
            EtcdClientConventions.StatsHandler => (StorageKeys.MessageType, StorageKeys.MessageId, StorageKeys.MessageCompressedSize, StorageKeys.MessageUncompressedSize),
            _ => (StorageKeys.RpcMessageType, StorageKeys.RpcMessageId, StorageKeys.RpcMessageCompressedSize, (string?)StorageKeys.RpcMessageUncompressedSize),
        };
        Message(client, sent, "SENT", request.RequestBytes);
        Message(client, received, "RECEIVED", request.ResponseBytes);

        void Message(in OpenSpan span, long time, string direction, int bytes)
        {
            KeyValue[] attributes = (compressed, uncompressed) switch
            {
                (null, null) => [Str(type, direction), Int(id, 1)],
                (null, { } u) => [Str(type, direction), Int(id, 1), Int(u, bytes)],
                ({ } c, { } u) => [Str(type, direction), Int(id, 1), Int(c, bytes), Int(u, bytes)],
                _ => [Str(type, direction), Int(id, 1)],
            };
            span.AddEvent(time, StorageEvents.Message, attributes);
        }
    }
}

/// <summary>
/// What one etcd request carries, as far as spans show it: the keys etcd 3.7's request spans record, and the
/// message sizes otelgrpc's events carry.
/// </summary>
internal readonly record struct EtcdRequest(string Key, string RangeEnd, long Limit, long Lease, int CompareLen, int SuccessLen, int FailureLen,
    int RequestBytes, int ResponseBytes, long LeaseTtl = 0)
{
    /// <summary>The apiserver's compactor elects itself by a transaction on this key (k8s.io/apiserver compact.go).</summary>
    public const string CompactRevKey = "compact_rev_key";

    public static EtcdRequest Get(string key, int bytes, long limit = 0) => new(key, "", limit, 0, 0, 0, 0, key.Length + 8, bytes + 40);

    /// <summary>A prefix range: etcd's range end is the prefix with its last byte incremented (<c>/registry/pods/</c> → <c>/registry/pods0</c>).</summary>
    public static EtcdRequest List(string prefix, long limit, int bytes) =>
        new(prefix, string.Concat(prefix.AsSpan(0, prefix.Length - 1), [(char)(prefix[^1] + 1)]), limit, 0, 0, 0, 0, 2 * prefix.Length + 12, bytes + 40);

    /// <summary>
    /// A create (If(notFound) Then(put)) or an optimistic update (If(mod revision) Then(put) Else(get)):
    /// k8s.io/apiserver's OptimisticPut, one comparison and one put either way.
    /// </summary>
    public static EtcdRequest Put(string key, long lease, int bytes, bool create) => new(key, "", 0, lease, 1, 1, create ? 0 : 1, bytes + key.Length + 20, 40);

    public static EtcdRequest Grant(long id, long ttl) => new("", "", 0, id, 0, 0, 0, 12, 30, ttl);

    public static readonly EtcdRequest CompactElection = new(CompactRevKey, "", 0, 0, 1, 1, 1, 60, 40);

    public static readonly EtcdRequest None = new("", "", 0, 0, 0, 0, 0, 0, 0);

    public static readonly EtcdRequest Compaction = new("", "", 0, 0, 0, 0, 0, 12, 20);
}
