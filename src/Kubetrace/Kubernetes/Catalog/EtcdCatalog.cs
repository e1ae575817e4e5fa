using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// What etcd emits per release, read from etcd-io/etcd at each tag: otelgrpc server spans only through 3.6 (their
/// attributes and message events following the otelgrpc version in server/go.mod), and from 3.7 the EtcdServer's
/// own spans under them (<c>range</c>, <c>txn</c> with <c>compare_first_key</c>…, <c>compact</c>, <c>lease_grant</c>,
/// …; a <c>txn</c> has no nested <c>put</c>). The sampler changed within 3.5: the SDK default (ParentBased(AlwaysOn))
/// through 3.5.4, ParentBased(NeverSample) from 3.5.5, and a sampling-rate flag from 3.5.11.
/// </summary>
public static class EtcdCatalog
{
    private const string Etcd = "etcd";
    private const string OtelGrpc = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc";

    private static SourceRef At(string tag, string path, int line, string? what = null) => new("etcd-io/etcd", tag, path, line, what);

    private static SourceRef Grpc(string version, string path, int line, string? what = null) =>
        new("open-telemetry/opentelemetry-go-contrib", $"instrumentation/google.golang.org/grpc/otelgrpc/{version}",
            $"instrumentation/google.golang.org/grpc/otelgrpc/{path}", line, what);

    public static ReleaseRange Range(int minorFrom, int patchFrom, int? minorThrough = null, int patchThrough = ComponentRelease.LastPatch) =>
        new(ComponentRelease.Etcd(minorFrom, patchFrom), minorThrough is { } m ? ComponentRelease.Etcd(m, patchThrough) : null);

    private const string V3Server = "server/etcdserver/v3_server.go";
    private const string V37 = "v3.7.0";

    private static readonly AttributeShape[] OldServerAttributes =
    [
        new(StorageKeys.RpcSystemOld, "string: grpc"), new(StorageKeys.RpcService, "string: etcdserverpb.KV"), new(StorageKeys.RpcMethodOld, "string: Range"),
        new(StorageKeys.GrpcStatusCode, "int: 0 = OK"),
    ];

    private static readonly EventShape[] RaftEvents =
    [
        new(EtcdEvents.SendRaftProposal, [], When: "writes only: processInternalRaftRequestOnce, on the span in the context"),
        new(EtcdEvents.ReceiveRaftResult, [], When: "when the proposal was applied"),
    ];

    public static IReadOnlyList<SpanShape> Spans { get; } =
    [
        Server(Range(5, 0, 5, 10), "v0.20.0 (3.5.0–3.5.4), v0.25.0 (3.5.5–3.5.10)",
            [.. OldServerAttributes, new("net.peer.ip", "string: the client's address"), new("net.peer.port", "string")],
            [new(EtcdEvents.Message, [StorageKeys.MessageType, StorageKeys.MessageId, StorageKeys.MessageUncompressedSize], When: "RECEIVED, then SENT (always on)")],
            [At("v3.5.0", "server/etcdserver/api/v3rpc/grpc.go", 59, "otelgrpc.UnaryServerInterceptor"), Grpc("v0.20.0", "interceptor.go", 327), Grpc("v0.20.0", "interceptor.go", 336)]),
        Server(Range(5, 11, 6), "v0.46.0 (3.5.11+), v0.59.0 (3.6)",
            [.. OldServerAttributes, new("net.sock.peer.addr", "string"), new("net.sock.peer.port", "int")],
            [],
            [At("v3.5.12", "server/etcdserver/api/v3rpc/grpc.go", 60), At("v3.6.0", "server/etcdserver/api/v3rpc/grpc.go", 70), Grpc("v0.46.0", "interceptor.go", 371, "message events only with WithMessageEvents, which etcd does not set")]),
        Server(Range(7, 0), "v0.68.0 stats handler, new RPC conventions unless OTEL_SEMCONV_STABILITY_OPT_IN says rpc/old",
            [new(StorageKeys.RpcSystemNew, "string: grpc"), new(StorageKeys.RpcMethodNew, "string: etcdserverpb.KV/Range"), new(StorageKeys.RpcStatusNew, "string: OK"),
             new("server.address", "string: etcd's own listen address", Optional: true), new("server.port", "int", Optional: true)],
            [],
            [At(V37, "server/etcdserver/api/v3rpc/grpc.go", 68, "grpc.StatsHandler(otelgrpc.NewServerHandler)"), Grpc("v0.68.0", "stats_handler.go", 100), Grpc("v0.68.0", "config.go", 90, "semconv mode: new by default"),
             At(V37, "server/etcdserver/api/v3rpc/watch.go", 330, "a `watch` span started and never ended: never exported")]),
        Request(EtcdNames.Range, "`KV/Range`", 108,
            [new(EtcdKeys.RangeBegin, "string: the full key, e.g. /registry/pods/shop/web-1"), new(EtcdKeys.RangeEnd, "string: \"\" for one key, the prefix end for a list"),
             new(EtcdKeys.Rev, "int: 0 = latest"), new(EtcdKeys.Limit, "int"), new(EtcdKeys.CountOnly, "bool"), new(EtcdKeys.KeysOnly, "bool")], []),
        Request(EtcdNames.Txn, "`KV/Txn`", 329,
            [new(EtcdKeys.CompareFirstKey, "string: the first compared key, e.g. /registry/pods/shop/web-1 (compact_rev_key for the apiserver's compactor)"),
             new(EtcdKeys.SuccessFirstKey, "string"), new(EtcdKeys.SuccessFirstType, "string: put, range, delete_range, txn"),
             new(EtcdKeys.SuccessFirstLease, "int: the first put's lease, 0 none, -1 no put"), new(EtcdKeys.CompareLen, "int"),
             new(EtcdKeys.SuccessLen, "int"), new(EtcdKeys.FailureLen, "int"), new(EtcdKeys.ReadOnly, "bool")],
            RaftEvents, note: "No nested `put`: the operations of a transaction are applied inside it without spans of their own."),
        Request(EtcdNames.Compact, "`KV/Compact` (the apiserver's compactor every 5 minutes, or etcd's --auto-compaction)", 384,
            [new(EtcdKeys.IsPhysical, "bool"), new(EtcdKeys.Rev, "int: the revision compacted up to")], RaftEvents,
            note: "Compaction of the key space after raft applies it; the physical compaction of the backend continues in the background after the span ends unless is_physical."),
        Request(EtcdNames.LeaseGrant, "`Lease/LeaseGrant`", 441, [new(EtcdKeys.Id, "int: the lease ID"), new(EtcdKeys.Ttl, "int: seconds")], RaftEvents),
        Request(EtcdNames.LeaseRevoke, "`Lease/LeaseRevoke`; a root span when etcd's lessor revokes an expired lease itself (server.go#L885, the server's own context: sampled as a root)", 472,
            [new(EtcdKeys.Id, "int: the lease ID")], RaftEvents),
        Request(EtcdNames.Put, "`KV/Put` (not used by the apiserver, which writes through Txn)", 297, [new("key", "string")], RaftEvents),
        Request(EtcdNames.DeleteRange, "`KV/DeleteRange`", 312, [new(EtcdKeys.RangeBegin, "string"), new(EtcdKeys.RangeEnd, "string")], RaftEvents),
    ];

    private static SpanShape Server(ReleaseRange releases, string otelgrpc, AttributeShape[] attributes, EventShape[] events, SourceRef[] sources) => new()
    {
        Component = Etcd, Releases = releases, Name = "etcdserverpb.<Service>/<Method>", Kind = SpanKind.Server, Scope = OtelGrpc,
        Parent = "the apiserver's etcd client span (remote parent, W3C traceparent), or a root when the caller sent none",
        Ends = "when the handler returns (a Watch stream: when it closes)",
        Attributes = attributes,
        Events = events,
        Sources = sources,
        Note = $"otelgrpc {otelgrpc}.",
    };

    private static SpanShape Request(string name, string under, int line, AttributeShape[] attributes, EventShape[] events, string? note = null) => new()
    {
        Component = Etcd, Releases = Range(7, 0), Name = name, Kind = SpanKind.Internal, Scope = EtcdNames.Scope,
        Parent = $"the otelgrpc server span of {under}",
        Ends = "`defer span.End()`: when the request returns (a write: after raft applied it)",
        Attributes = attributes,
        Events = events,
        Sources = [At(V37, V3Server, line), At(V37, "pkg/traceutil/trace.go", 32, "scope go.etcd.io/etcd"), At(V37, V3Server, 1112, "raft events")],
        Note = note,
    };

    private const string Sampling = "experimental-distributed-tracing-sampling-rate";

    public static IReadOnlyList<ComponentTracing> Components { get; } =
    [
        Tracing(Range(5, 0, 5, 4), "ParentBased(AlwaysOn): the SDK default, no sampler is set. A call without a sampled traceparent is a new sampled trace.",
            [At("v3.5.4", "server/embed/etcd.go", 845, "NewTracerProvider without WithSampler"), At("v3.5.0", "server/etcdmain/config.go", 266)], "--experimental-enable-distributed-tracing"),
        Tracing(Range(5, 5, 5, 10), "ParentBased(NeverSample): follows a sampled caller, never starts a trace; no sampling-rate flag.",
            [At("v3.5.5", "server/embed/config_tracing.go", 67)], "--experimental-enable-distributed-tracing"),
        Tracing(Range(5, 11, 5), $"ParentBased(TraceIDRatioBased(rate/1e6)) with --{Sampling} (default 0: NeverSample for roots).",
            [At("v3.5.11", "server/embed/config_tracing.go", 79), At("v3.5.11", "server/embed/config_tracing.go", 120), At("v3.5.11", "server/etcdmain/config.go", 279)],
            "--experimental-enable-distributed-tracing"),
        Tracing(Range(6, 0, 6), "ParentBased(TraceIDRatioBased(rate/1e6)) with --distributed-tracing-sampling-rate (the experimental- name still accepted, deprecated).",
            [At("v3.6.0", "server/embed/config_tracing.go", 79), At("v3.6.0", "server/embed/config.go", 906)], "--enable-distributed-tracing (or the experimental- flag)"),
        Tracing(Range(7, 0), "ParentBased(TraceIDRatioBased(rate/1e6)) with --distributed-tracing-sampling-rate; the experimental- flags are gone.",
            [At(V37, "server/embed/config_tracing.go", 81), At(V37, "server/embed/config.go", 743)], "--enable-distributed-tracing"),
    ];

    private static ComponentTracing Tracing(ReleaseRange releases, string sampler, SourceRef[] sources, string enable) => new()
    {
        Component = Etcd, Releases = releases,
        Resource =
        [
            new("service.name", "string: --(experimental-)distributed-tracing-service-name, default etcd"),
            new("service.instance.id", "string: --(experimental-)distributed-tracing-instance-id", Optional: true),
        ],
        Sampler = sampler,
        IncomingContext = "W3C tracecontext and baggage (otelgrpc.WithPropagators): every caller's traceparent is followed, so the apiserver's sampled calls join its traces",
        Sources = [.. sources, At("v3.5.0", "server/embed/etcd.go", 837, "propagators")],
        Note = $"Tracing is off unless {enable} is given.",
    };

    /// <summary>The etcd sampler in <paramref name="release"/>, as the simulator applies it.</summary>
    public static EtcdSampling SamplingOf(ComponentRelease release) =>
        release < ComponentRelease.Etcd(5, 5) ? EtcdSampling.AlwaysOnRoots
        : release < ComponentRelease.Etcd(5, 11) ? EtcdSampling.NeverRoots
        : EtcdSampling.RatioRoots;

    /// <summary>Whether <paramref name="release"/> emits the EtcdServer request spans (<c>range</c>, <c>txn</c>, …).</summary>
    public static bool HasRequestSpans(ComponentRelease release) => release >= ComponentRelease.Etcd(7, 0);

    /// <summary>Whether <paramref name="release"/>'s server spans carry <c>message</c> events (otelgrpc ≤ v0.25, always on).</summary>
    public static bool HasMessageEvents(ComponentRelease release) => release < ComponentRelease.Etcd(5, 11);

    /// <summary>Whether <paramref name="release"/>'s server spans use the new RPC conventions (otelgrpc v0.68).</summary>
    public static bool NewRpcConventions(ComponentRelease release) => release >= ComponentRelease.Etcd(7, 0);
}

/// <summary>How etcd decides on a call that arrives without a sampled parent.</summary>
public enum EtcdSampling
{
    /// <summary>3.5.0–3.5.4: every such call starts a sampled trace.</summary>
    AlwaysOnRoots,

    /// <summary>3.5.5–3.5.10: never.</summary>
    NeverRoots,

    /// <summary>3.5.11+: by trace-ID ratio at the sampling-rate flag (0 = never).</summary>
    RatioRoots,
}

/// <summary>etcd's own span names (3.7) and their scope.</summary>
public static class EtcdNames
{
    public const string Scope = "go.etcd.io/etcd";
    public const string Range = "range";
    public const string Txn = "txn";
    public const string Compact = "compact";
    public const string LeaseGrant = "lease_grant";
    public const string LeaseRevoke = "lease_revoke";
    public const string Put = "put";
    public const string DeleteRange = "delete_range";
}

/// <summary>Attribute keys on etcd's own spans (its otelgrpc spans use the keys in <see cref="StorageKeys"/>).</summary>
public static class EtcdKeys
{
    public const string RangeBegin = "range_begin";
    public const string RangeEnd = "range_end";
    public const string Rev = "rev";
    public const string Limit = "limit";
    public const string CountOnly = "count_only";
    public const string KeysOnly = "keys_only";
    public const string CompareFirstKey = "compare_first_key";
    public const string SuccessFirstKey = "success_first_key";
    public const string SuccessFirstType = "success_first_type";
    public const string SuccessFirstLease = "success_first_lease";
    public const string CompareLen = "compare_len";
    public const string SuccessLen = "success_len";
    public const string FailureLen = "failure_len";
    public const string ReadOnly = "read_only";
    public const string IsPhysical = "is_physical";
    public const string Id = "id";
    public const string Ttl = "ttl";
}

/// <summary>Event names on etcd's spans.</summary>
public static class EtcdEvents
{
    public const string Message = "message";
    public const string SendRaftProposal = "Send raft proposal";
    public const string ReceiveRaftResult = "Receive raft result";
}
