using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// What the apiserver's storage layer emits per release, read from k8s.io/apiserver at each tag: the etcd3 store
/// (<c>Create etcd3</c>, <c>GuaranteedUpdate etcd3</c>, <c>List(recursive=…) etcd3</c>; <c>store.Get</c> and
/// <c>store.Delete</c> have no span), the watch cache (<c>cacher list</c> through 1.31, <c>cacher.Get</c> /
/// <c>cacher.GetList</c> from 1.32, <c>cacher.Watch</c> from 1.36), the KMS v2 envelope transformer (1.29+) and
/// the etcd client's otelgrpc spans, whose attributes and <c>message</c> events follow the otelgrpc version in
/// each release's go.mod. The simulator writes these names and keys and the analyses read them, through
/// <see cref="StorageNames"/>, <see cref="StorageKeys"/> and <see cref="StorageEvents"/>.
/// </summary>
public static class ApiserverStorageCatalog
{
    private const string Apiserver = "apiserver";
    private const string ComponentBase = "k8s.io/component-base/tracing";
    private const string OtelGrpc = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc";
    private const string Ends = "`defer span.End(500 * time.Millisecond)` (component-base tracing.Span.End: ends the span, logs when slower): when the storage call returns";

    private static SourceRef Api(int minor, string path, int line, string? what = null) => new("kubernetes/apiserver", $"v0.{minor}.0", path, line, what);

    private static SourceRef Grpc(string version, string path, int line, string? what = null) =>
        new("open-telemetry/opentelemetry-go-contrib", $"instrumentation/google.golang.org/grpc/otelgrpc/{version}",
            $"instrumentation/google.golang.org/grpc/otelgrpc/{path}", line, what);

    private static readonly SourceRef IntegrationTest = new("kubernetes/kubernetes", "02154293c76a0ea54293c82236c9025b96ea0125",
        "test/integration/apiserver/tracing/tracing_test.go", 1, "TestAPIServerTracing: node create expects key /minions/fake, resource nodes, no Get/Delete storage span");

    private const string Store = "pkg/storage/etcd3/store.go";
    private const string Cacher = "pkg/storage/cacher/cacher.go";
    private const string Delegator = "pkg/storage/cacher/delegator.go";
    private const string WatchCache = "pkg/storage/cacher/watch_cache.go";
    private const string Kms = "pkg/storage/value/encrypt/envelope/kmsv2/envelope.go";
    private const string Factory = "pkg/storage/storagebackend/factory/etcd3.go";

    /// <summary>The storage span attributes: <c>resource</c> is group.resource until 1.33, then <c>group</c> and <c>resource</c> apart.</summary>
    private static readonly AttributeShape[] WriteAttributes =
    [
        new(StorageKeys.AuditId, "string: the request's audit ID (truncated)"),
        new(StorageKeys.Key, "string: the key before the storage prefix is added, e.g. /pods/shop/web-1, /minions/worker-1 (nodes), /deployments/shop/web; etcd sees /registry + key"),
        new(StorageKeys.Type, "string: the Go type, e.g. *core.Pod, *apps.Deployment"),
        new(StorageKeys.Resource, "string: group.resource as GroupResource.String() spells it, e.g. deployments.apps, pods (core group: no dot)", ReleaseRange.Kubernetes(27, 33)),
        new(StorageKeys.Group, "string: the API group, \"\" for the core group", ReleaseRange.Kubernetes(34)),
        new(StorageKeys.Resource, "string: the plural resource alone, e.g. deployments, pods", ReleaseRange.Kubernetes(34)),
    ];

    private static readonly EventShape[] EncodeEvents =
    [
        new(StorageEvents.AboutToEncode, []),
        new(StorageEvents.EncodeSucceeded, [StorageKeys.Len], When: "len = encoded object bytes"),
        new("Encode failed", [StorageKeys.Len, "err"]),
        new(StorageEvents.TransformToStorageSucceeded, [], When: "after encryption at rest (the KMS span ends before it)"),
        new("TransformToStorage failed", ["err"]),
    ];

    private static readonly EventShape[] DecodeEvents =
    [
        new(StorageEvents.DecodeSucceeded, [StorageKeys.Len]),
        new("decode failed", [StorageKeys.Len, "err"]),
    ];

    private static readonly EventShape[] CacherListEvents =
    [
        new(StorageEvents.Ready, []),
        new(StorageEvents.WatchCacheLocked, [], When: "watch_cache.go waitUntilFreshAndBlock, on the span in the context"),
        new(StorageEvents.WatchCacheFresh, []),
        new(StorageEvents.ListedFromCache, [StorageKeys.Count], When: "count = objects under the key prefix before label/field filtering"),
        new(StorageEvents.ResizedResult, []),
        new(StorageEvents.FilteredItems, [StorageKeys.Count], When: "count = objects returned"),
    ];

    private static readonly AttributeShape[] CacherListAttributes =
    [
        new(StorageKeys.AuditId, "string: the request's audit ID (truncated)"),
        new(StorageKeys.Type, "string: group.resource (attribute.Stringer of the GroupResource), e.g. pods, deployments.apps"),
    ];

    public static IReadOnlyList<SpanShape> Spans { get; } =
    [
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(27), Name = StorageNames.Create, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span `Create` (or a webhook-free create's handler); an etcd `Txn` (and a `Lease/LeaseGrant` for TTL objects such as events) under it",
            Ends = Ends,
            Attributes = WriteAttributes,
            Events = [.. EncodeEvents, new(StorageEvents.TxnSucceeded, []), new("Txn call failed", ["err"]), .. DecodeEvents],
            Sources = [Api(27, Store, 174), Api(33, Store, 254), Api(34, Store, 264, "group and resource apart"), Api(36, Store, 279), Api(27, Store, 195, "ttlOpts: the lease before TransformToStorage"), IntegrationTest],
            Note = "The key is recorded before prepareKey adds the storage prefix (store.go prepareKey). Order inside: encode, lease (TTL objects), TransformToStorage (KMS span), Txn, decode.",
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(27), Name = StorageNames.GuaranteedUpdate, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span (`Update`, `Patch`, `Delete` of a graceful delete, and `Create` of pods/binding, whose BindingREST updates the pod)",
            Ends = Ends,
            Attributes = WriteAttributes,
            Events =
            [
                new(StorageEvents.InitialValueRestored, [], When: "from the watch cache's copy (no etcd call) or a `Range`"),
                .. EncodeEvents,
                new(StorageEvents.TransactionPrepared, []),
                new(StorageEvents.TxnCompleted, []),
                new(StorageEvents.TransactionCommitted, []),
                new(StorageEvents.RetryValueRestored, [], When: "on a conflict; the loop encodes and commits again"),
                new("Txn call failed", ["err"]),
                .. DecodeEvents,
            ],
            Sources = [Api(27, Store, 379), Api(33, Store, 444), Api(34, Store, 455), Api(36, Store, 470), Api(33, Delegator, 252, "CacheDelegator.GuaranteedUpdate passes the cached object"),
                new SourceRef("kubernetes/kubernetes", "3e4a7900d75552087b6d82edb80ac44be8f71d67", "pkg/registry/core/pod/storage/storage.go", 193, "BindingREST setPodHostAndAnnotations → r.store.Storage.GuaranteedUpdate"),
                IntegrationTest],
            Note = "pods/binding is a GuaranteedUpdate of the pod (key /pods/<ns>/<name>, type *core.Pod), not a Create.",
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(27), Name = StorageNames.ListPattern, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span `List` (a LIST that is not served from the watch cache, or a resource without one such as events); a consistent read's resource-version probe hangs under the handler (1.31–1.33) or under `cacher.GetList` (1.34+)",
            Ends = Ends,
            Attributes =
            [
                new(StorageKeys.AuditId, "string"),
                new(StorageKeys.Key, "string: the unprefixed key, e.g. /pods/shop or /pods (all namespaces)"),
                new(StorageKeys.ResourceVersion, "string: the request's resourceVersion"),
                new(StorageKeys.ResourceVersionMatch, "string"),
                new(StorageKeys.Limit, "int: the page size asked for (0: all)"),
                new(StorageKeys.Continue, "string: the continue token"),
            ],
            Sources = [Api(27, Store, 595), Api(34, Store, 723), Api(36, Store, 741), Api(31, "pkg/storage/util.go", 100, "GetCurrentResourceVersionFromStorage: GetList(prefix, Limit 1), not recursive"), Api(34, Store, 694), Api(34, WatchCache, 619, "1.34+: the probe inside cacher.GetList"), IntegrationTest],
            Note = "No `resource` attribute and no events: the key names the resource, the handler's `Writing http response done` event carries the count. The consistent-read probe is `List(recursive=false) etcd3` with the resource prefix as key and limit 1.",
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(27, 31), Name = StorageNames.CacherListOld, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span `List`, only when the watch cache serves the list (resourceVersion=0, or from 1.31 a consistent list); a delegated list has no cacher span",
            Ends = Ends,
            Attributes = CacherListAttributes,
            Events = CacherListEvents,
            Sources = [Api(27, Cacher, 769), Api(27, Cacher, 797, "Listed items from cache"), Api(27, Cacher, 714, "shouldDelegateList: resourceVersion \"\" or a limit goes to etcd"), Api(31, Cacher, 859), Api(27, WatchCache, 458)],
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(32), Name = StorageNames.CacherGetList, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span `List`, only when the watch cache serves the list",
            Ends = Ends,
            Attributes = CacherListAttributes,
            Events = CacherListEvents,
            Sources = [Api(32, Cacher, 870), Api(33, Cacher, 735), Api(34, Cacher, 723), Api(36, Cacher, 758), Api(34, Cacher, 758, "Listed items from cache"), Api(33, Delegator, 188, "CacheDelegator.GetList delegates before the span")],
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(32), Name = StorageNames.CacherGet, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the handler span `Get` of a resource with a watch cache; the etcd `Range` hangs under it when it delegates",
            Ends = Ends,
            Attributes =
            [
                new(StorageKeys.AuditId, "string"),
                new(StorageKeys.Key, "string: the unprefixed key, e.g. /pods/shop/web-1"),
                new(StorageKeys.CacherResourceVersion, "string: the request's resourceVersion (\"\" reads etcd)"),
            ],
            Events =
            [
                new(StorageEvents.GetFromStorage, [], When: "resourceVersion \"\": read from etcd"),
                new("About to Get from underlying storage - cache not initialized", []),
                new("About to Get from underlying storage - cache not initialized and no resourceVersion set", [], ReleaseRange.Kubernetes(32, 32)),
                new(StorageEvents.FetchFromCache, []),
                new(StorageEvents.WatchCacheLocked, []),
                new(StorageEvents.WatchCacheFresh, []),
            ],
            Sources = [Api(32, Cacher, 698), Api(33, Delegator, 135), Api(34, Delegator, 140), Api(36, Delegator, 137)],
            Note = "Through 1.31 a GET has no cacher span: a cached GET puts the watchCache events on the handler span, an etcd GET's `Range` hangs under the handler (store.Get has no span).",
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(36), Name = StorageNames.CacherWatch, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the watch request's span, while the cacher registers the watcher (it ends then, not when the watch ends)",
            Ends = Ends,
            Attributes = CacherListAttributes,
            Sources = [Api(36, Cacher, 510)],
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(29), Name = StorageNames.TransformFromStorage, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the storage span (or the handler / `cacher.Get` for a GET, which has no storage span; `GuaranteedUpdate etcd3` when a resource without a watch cache reads the stored object first), once per object decrypted",
            Ends = "`defer span.End(500 * time.Millisecond)`",
            Attributes = [new(StorageKeys.TransformerProvider, "string: the KMS provider's name in the EncryptionConfiguration")],
            Events =
            [
                new("About to decode encrypted object", []), new("Decoded encrypted object", []),
                new(StorageEvents.DecryptDekRemote, [], When: "the data key is not cached: the KMS plugin is called"),
                new("DEK decryption succeeded", []),
                new("About to decrypt data using DEK", []), new("Data decryption succeeded", []),
            ],
            Sources = [Api(29, Kms, 140), Api(29, Kms, 182), Api(34, Kms, 143), Api(36, Kms, 168), Api(34, Store, 1023, "getState: GuaranteedUpdate without a cached object decrypts the stored one"),
                Api(34, "pkg/storage/cacher/lister_watcher.go", 73, "the cacher's initial LIST, context.Background(): its decryptions have no span"),
                Api(34, "pkg/storage/etcd3/watcher.go", 706, "the cacher's watch decrypts each event, without a span"),
                Api(34, "pkg/server/options/etcd.go", 449, "--watch-cache-sizes=<resource>#0: no cacher")],
            Note = "KMS v2 only; before 1.29 the envelope transformer has no spans. The watch cache's own decryptions (its start-up " +
                   "list and its watch) leave no span and cache every stored DEK, so with the resource's watch cache on (the default) " +
                   "a request's decryption calls the plugin only once a DEK's 24 h cache entry expired; with `--watch-cache-sizes=secrets#0` " +
                   "the first read of each DEK after the start does.",
        },
        new()
        {
            Component = Apiserver, Releases = ReleaseRange.Kubernetes(29), Name = StorageNames.TransformToStorage, Kind = SpanKind.Internal, Scope = ComponentBase,
            Parent = "the storage span (`Create etcd3`, `GuaranteedUpdate etcd3`)",
            Ends = "`defer span.End(500 * time.Millisecond)`",
            Attributes = [new(StorageKeys.TransformerProvider, "string: the KMS provider's name")],
            Events =
            [
                new("About to encrypt data using DEK", []), new("Data encryption succeeded", []),
                new("About to encode encrypted object", []), new("Encoded encrypted object", []),
            ],
            Sources = [Api(29, Kms, 229), Api(34, Kms, 232), Api(36, Kms, 257)],
        },
        EtcdClient(ReleaseRange.Kubernetes(27, 28), "v0.35.0",
            [new(StorageKeys.RpcSystemOld, "string: grpc"), new(StorageKeys.RpcService, "string: etcdserverpb.KV"), new(StorageKeys.RpcMethodOld, "string: Range"), new(StorageKeys.GrpcStatusCode, "int: 0 = OK")],
            [new(StorageEvents.Message, [StorageKeys.MessageType, StorageKeys.MessageId, StorageKeys.MessageUncompressedSize], When: "SENT before the call, RECEIVED after it (always on)")],
            [Api(27, Factory, 262, "unary/stream client interceptors"), Grpc("v0.35.0", "interceptor.go", 44, "message event with proto size"), Grpc("v0.35.0", "interceptor.go", 106)]),
        EtcdClient(ReleaseRange.Kubernetes(29, 30), "v0.42.0",
            [new(StorageKeys.RpcSystemOld, "string: grpc"), new(StorageKeys.RpcService, "string"), new(StorageKeys.RpcMethodOld, "string"), new(StorageKeys.GrpcStatusCode, "int")],
            [new(StorageEvents.Message, [StorageKeys.MessageType, StorageKeys.MessageId], When: "SENT, RECEIVED; no size")],
            [Api(29, Factory, 319), Grpc("v0.42.0", "interceptor.go", 44), Grpc("v0.42.0", "interceptor.go", 98)]),
        EtcdClient(ReleaseRange.Kubernetes(31, 33), "v0.53.0 (1.31, 1.32), v0.58.0 (1.33)",
            [new(StorageKeys.RpcSystemOld, "string: grpc"), new(StorageKeys.RpcService, "string"), new(StorageKeys.RpcMethodOld, "string"), new(StorageKeys.GrpcStatusCode, "int")],
            [new(StorageEvents.Message, [StorageKeys.MessageType, StorageKeys.MessageId], When: "WithMessageEvents(ReceivedEvents, SentEvents): SENT, RECEIVED; no size")],
            [Api(31, Factory, 320, "WithMessageEvents"), Grpc("v0.53.0", "interceptor.go", 97)]),
        EtcdClient(ReleaseRange.Kubernetes(34, 35), "v0.60.0",
            [new(StorageKeys.RpcSystemOld, "string: grpc"), new(StorageKeys.RpcService, "string"), new(StorageKeys.RpcMethodOld, "string"), new(StorageKeys.GrpcStatusCode, "int")],
            [new(StorageEvents.Message, [StorageKeys.MessageType, StorageKeys.MessageId, StorageKeys.MessageCompressedSize, StorageKeys.MessageUncompressedSize], When: "one per message (stats handler)")],
            [Api(34, Factory, 320, "grpc.WithStatsHandler(otelgrpc.NewClientHandler)"), Grpc("v0.60.0", "stats_handler.go", 105), Grpc("v0.60.0", "stats_handler.go", 170)]),
        EtcdClient(ReleaseRange.Kubernetes(36), "v0.65.0",
            [new(StorageKeys.RpcSystemNew, "string: grpc"), new(StorageKeys.RpcMethodNew, "string: etcdserverpb.KV/Range"), new(StorageKeys.RpcStatusNew, "string: OK"),
             new("server.address", "string: from the peer, when grpc knows it", Optional: true), new("server.port", "int", Optional: true)],
            [new(StorageEvents.Message, [StorageKeys.RpcMessageType, StorageKeys.RpcMessageId, StorageKeys.RpcMessageCompressedSize, StorageKeys.RpcMessageUncompressedSize], When: "one per message")],
            [Grpc("v0.65.0", "stats_handler.go", 197), Grpc("v0.65.0", "stats_handler.go", 285), Grpc("v0.65.0", "stats_handler.go", 323)]),
    ];

    private static SpanShape EtcdClient(ReleaseRange releases, string otelgrpc, AttributeShape[] attributes, EventShape[] events, SourceRef[] sources) => new()
    {
        Component = Apiserver, Releases = releases, Name = StorageNames.EtcdRpcPattern, Kind = SpanKind.Client, Scope = OtelGrpc,
        Parent = "the storage span; for a GET the handler (≤1.31) or `cacher.Get` (1.32+); the compactor's calls are roots",
        Ends = "when the call returns (a Watch stream: when it closes)",
        Attributes = attributes,
        Events = events,
        Sources = sources,
        Note = $"otelgrpc {otelgrpc}. No net.peer attributes from the interceptors: the etcd client's target etcd-endpoints://0x…/host:port does not split into host and port.",
    };

    public static IReadOnlyList<ComponentTracing> Components { get; } = [];
}

/// <summary>The storage layer's span names as the apiserver writes them.</summary>
public static class StorageNames
{
    public const string Create = "Create etcd3";
    public const string GuaranteedUpdate = "GuaranteedUpdate etcd3";
    public const string ListPattern = "List(recursive=<bool>) etcd3";
    public const string ListRecursive = "List(recursive=true) etcd3";
    /// <summary>A single-key list: the consistent read's resource-version probe (limit 1) among others.</summary>
    public const string ListSingle = "List(recursive=false) etcd3";
    public const string CacherListOld = "cacher list";
    public const string CacherGetList = "cacher.GetList";
    public const string CacherGet = "cacher.Get";
    public const string CacherWatch = "cacher.Watch";
    public const string TransformFromStorage = "TransformFromStorage with envelopeTransformer";
    public const string TransformToStorage = "TransformToStorage with envelopeTransformer";
    public const string EtcdRpcPattern = "etcdserverpb.<Service>/<Method>";

    /// <summary>The cacher's list span in <paramref name="release"/>.</summary>
    public static string CacherList(ComponentRelease release) => release.Minor >= 32 ? CacherGetList : CacherListOld;

    public static bool IsCacherList(string name) => name is CacherGetList or CacherListOld;

    public static bool IsStorageList(string name) => name.StartsWith("List(recursive=", StringComparison.Ordinal) && name.EndsWith(" etcd3", StringComparison.Ordinal);
}

/// <summary>Attribute keys of the storage layer's spans and events, and of the etcd client spans, as written.</summary>
public static class StorageKeys
{
    public const string AuditId = "audit-id";
    public const string Key = "key";
    public const string Type = "type";
    public const string Group = "group";
    public const string Resource = "resource";
    public const string ResourceVersion = "resourceVersion";
    public const string ResourceVersionMatch = "resourceVersionMatch";
    public const string Limit = "limit";
    public const string Continue = "continue";
    public const string CacherResourceVersion = "resource-version";
    public const string TransformerProvider = "transformer.provider.name";
    public const string Len = "len";
    public const string Count = "count";
    public const string Size = "size";
    public const string RpcSystemOld = "rpc.system";
    public const string RpcService = "rpc.service";
    public const string RpcMethodOld = "rpc.method";
    public const string GrpcStatusCode = "rpc.grpc.status_code";
    public const string RpcSystemNew = "rpc.system.name";
    public const string RpcMethodNew = "rpc.method";
    public const string RpcStatusNew = "rpc.response.status_code";
    public const string MessageType = "message.type";
    public const string MessageId = "message.id";
    public const string MessageCompressedSize = "message.compressed_size";
    public const string MessageUncompressedSize = "message.uncompressed_size";
    public const string RpcMessageType = "rpc.message.type";
    public const string RpcMessageId = "rpc.message.id";
    public const string RpcMessageCompressedSize = "rpc.message.compressed_size";
    public const string RpcMessageUncompressedSize = "rpc.message.uncompressed_size";

    /// <summary>The otelgrpc generation of the apiserver's etcd client in a Kubernetes release (see <see cref="ApiserverStorageCatalog"/>).</summary>
    public static EtcdClientConventions ClientConventions(ComponentRelease release) => release.Minor switch
    {
        <= 28 => EtcdClientConventions.InterceptorWithSizes,
        <= 33 => EtcdClientConventions.Interceptor,
        <= 35 => EtcdClientConventions.StatsHandler,
        _ => EtcdClientConventions.StatsHandlerNewSemconv,
    };
}

/// <summary>How an otelgrpc version records a call: attribute forms and what its <c>message</c> events carry.</summary>
public enum EtcdClientConventions
{
    /// <summary>otelgrpc ≤ v0.35 interceptors: old attributes, message events with <c>message.uncompressed_size</c>.</summary>
    InterceptorWithSizes,

    /// <summary>otelgrpc v0.42–v0.59 interceptors: old attributes, message events with type and id only.</summary>
    Interceptor,

    /// <summary>otelgrpc v0.60 stats handler: old attributes, message events with compressed and uncompressed sizes.</summary>
    StatsHandler,

    /// <summary>otelgrpc v0.65+ stats handler: <c>rpc.system.name</c>, qualified <c>rpc.method</c>, <c>rpc.response.status_code</c>, <c>rpc.message.*</c> events.</summary>
    StatsHandlerNewSemconv,
}

/// <summary>Event names on the storage layer's spans, as written (the handler's own events are in <see cref="ApiserverCatalog"/>).</summary>
public static class StorageEvents
{
    public const string AboutToEncode = "About to Encode";
    public const string EncodeSucceeded = "Encode succeeded";
    public const string TransformToStorageSucceeded = "TransformToStorage succeeded";
    public const string TxnSucceeded = "Txn call succeeded";
    public const string InitialValueRestored = "initial value restored";
    public const string TransactionPrepared = "Transaction prepared";
    public const string TxnCompleted = "Txn call completed";
    public const string TransactionCommitted = "Transaction committed";
    public const string RetryValueRestored = "Retry value restored";
    public const string DecodeSucceeded = "decode succeeded";
    public const string Ready = "Ready";
    public const string WatchCacheLocked = "watchCache locked acquired";
    public const string WatchCacheFresh = "watchCache fresh enough";
    public const string ListedFromCache = "Listed items from cache";
    public const string ResizedResult = "Resized result";
    public const string FilteredItems = "Filtered items";
    public const string GetFromStorage = "About to Get from underlying storage";
    public const string FetchFromCache = "About to fetch object from cache";
    public const string DecryptDekRemote = "About to decrypt DEK using remote service";
    public const string Message = "message";
}
