using System.Buffers.Binary;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// Generates the benchmark dataset shape of issue 3: traces of 10 spans over apiserver / kubelet / etcd /
/// containerd, ~30 span names, 12 string attributes per span (namespace, resource, verb, pod name, a unique
/// audit-id UUID, user agent, client IP, method, status, api version, protocol, URL), start times spread over the
/// last 2 hours, 2% errors. Deterministic for a seed.
/// </summary>
internal sealed class KubernetesTraceGenerator(int seed, DateTimeOffset now, TimeSpan spread)
{
    public const int SpansPerTrace = 10;

    private static readonly string[] Services = ["apiserver", "kubelet", "etcd", "containerd"];
    private static readonly string[][] NamesByService =
    [
        ["GET /api/v1/pods", "LIST /api/v1/pods", "WATCH /api/v1/pods", "POST /api/v1/namespaces/{ns}/pods", "PATCH /api/v1/nodes/{name}/status",
         "GET /apis/apps/v1/deployments", "PUT /apis/coordination.k8s.io/v1/leases/{name}", "authentication", "authorization", "admission"],
        ["SyncPod", "syncLoop iteration", "PLEG relist", "ProbeLiveness", "ProbeReadiness", "PullImage", "RunPodSandbox", "UpdateNodeStatus"],
        ["etcdserverpb.KV/Range", "etcdserverpb.KV/Txn", "etcdserverpb.KV/Put", "etcdserverpb.Watch/Watch", "etcdserverpb.Lease/LeaseKeepAlive", "raft.Propose"],
        ["runtime.v1.RuntimeService/CreateContainer", "runtime.v1.RuntimeService/StartContainer", "runtime.v1.ImageService/PullImage",
         "runtime.v1.RuntimeService/ListContainers", "runtime.v1.RuntimeService/ContainerStatus", "snapshotter.Prepare"],
    ];
    private static readonly string[] Namespaces = Enumerable.Range(0, 20).Select(i => i switch
        { 0 => "kube-system", 1 => "default", 2 => "monitoring", _ => $"team-{i:D2}" }).ToArray();
    private static readonly string[] Resources = ["pods", "nodes", "leases", "deployments", "replicasets", "services", "endpoints",
        "configmaps", "secrets", "events", "namespaces", "jobs", "daemonsets", "statefulsets", "serviceaccounts"];
    private static readonly string[] Verbs = ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];
    private static readonly string[] UserAgents = ["kubelet/v1.31.2 (linux/amd64) kubernetes/5864a46", "kube-controller-manager/v1.31.2",
        "kube-scheduler/v1.31.2", "kubectl/v1.31.1 (darwin/arm64)", "argocd-application-controller/v2.12", "prometheus/2.54.1"];
    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];
    private static readonly string[] Statuses = ["200", "200", "200", "201", "404", "409", "500", "503"];
    private static readonly string[] ApiVersions = ["v1", "apps/v1", "coordination.k8s.io/v1", "batch/v1", "rbac.authorization.k8s.io/v1"];
    private static readonly string[] Protocols = ["HTTP/2.0", "HTTP/1.1", "gRPC"];
    private static readonly string[] ClientIps = Enumerable.Range(0, 256).Select(i => $"10.244.{i / 16}.{(i * 37) % 250 + 2}").ToArray();
    private static readonly string[] Pods = Enumerable.Range(0, 2000).Select(i =>
        $"{Resources[i % 5]}-{(uint)(i * 2654435761u) % 0xFFFFF:x5}-{(uint)(i * 40503u) % 0xFFFF:x4}").ToArray();

    private readonly Random _random = new(seed);
    private readonly long _nowNanos = TimeRange.ToNanos(now);
    private readonly long _spreadNanos = spread.Ticks * 100;
    private readonly Resource[] _resources = Services.Select(s => new Resource
    {
        Attributes =
        {
            new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = s } },
            new KeyValue { Key = "k8s.node.name", Value = new AnyValue { StringValue = "node-1" } },
            new KeyValue { Key = "telemetry.sdk.language", Value = new AnyValue { StringValue = "go" } },
        },
    }).ToArray();
    private readonly InstrumentationScope _scope = new() { Name = "k8s.io/component-base/tracing", Version = "1.31.2" };

    public long SpansGenerated { get; private set; }

    /// <summary>A request with <paramref name="traces"/> traces, spans grouped by service (4 ResourceSpans).</summary>
    public ExportTraceServiceRequest NextRequest(int traces)
    {
        var byService = Services.Select((_, i) => new ScopeSpans { Scope = _scope }).ToArray();
        for (var t = 0; t < traces; t++) AddTrace(byService);
        var request = new ExportTraceServiceRequest();
        for (var s = 0; s < Services.Length; s++)
        {
            if (byService[s].Spans.Count == 0) continue;
            request.ResourceSpans.Add(new ResourceSpans { Resource = _resources[s], ScopeSpans = { byService[s] } });
        }
        return request;
    }

    private void AddTrace(ScopeSpans[] byService)
    {
        Span<byte> id = stackalloc byte[16];
        _random.NextBytes(id);
        var traceId = ByteString.CopyFrom(id);
        var traceStart = _nowNanos - (long)(_random.NextDouble() * _spreadNanos);
        var rootDuration = 5_000_000L + _random.NextInt64(500_000_000L);
        var ns = Namespaces[_random.Next(Namespaces.Length)];
        var resource = Resources[_random.Next(Resources.Length)];
        var pod = Pods[_random.Next(Pods.Length)];
        var spanIds = new ulong[SpansPerTrace];
        for (var i = 0; i < SpansPerTrace; i++)
        {
            spanIds[i] = (ulong)_random.NextInt64(1, long.MaxValue);
            // The root is an apiserver request; a quarter of the rest are nested apiserver work, the others the backends.
            var service = i == 0 || _random.Next(4) == 0 ? 0 : 1 + _random.Next(3);
            var parent = i == 0 ? -1 : _random.Next(i);
            var offset = i == 0 ? 0 : _random.NextInt64(rootDuration / 2);
            var duration = i == 0 ? rootDuration : 100_000L + _random.NextInt64(rootDuration / 2);
            var names = NamesByService[service];
            var error = _random.Next(50) == 0;
            var span = new Span
            {
                TraceId = traceId,
                SpanId = SpanIdBytes(spanIds[i]),
                ParentSpanId = parent < 0 ? ByteString.Empty : SpanIdBytes(spanIds[parent]),
                Name = names[_random.Next(names.Length)],
                Kind = i == 0 ? Span.Types.SpanKind.Server : (Span.Types.SpanKind)(_random.Next(2) + 2),
                StartTimeUnixNano = (ulong)(traceStart + offset),
                EndTimeUnixNano = (ulong)(traceStart + offset + duration),
                Status = error ? new Status { Code = Status.Types.StatusCode.Error, Message = "context deadline exceeded" } : null,
            };
            var verb = Verbs[_random.Next(Verbs.Length)];
            Add(span, "k8s.namespace.name", ns);
            Add(span, "k8s.resource", resource);
            Add(span, "k8s.verb", verb);
            Add(span, "k8s.pod.name", pod);
            Add(span, "audit-id", NextUuid()); // the apiserver's key (traceFields, trace_util.go)
            Add(span, "user_agent.original", UserAgents[_random.Next(UserAgents.Length)]);
            Add(span, "client.address", ClientIps[_random.Next(ClientIps.Length)]);
            Add(span, "http.request.method", Methods[_random.Next(Methods.Length)]);
            Add(span, "http.response.status_code", error ? "500" : Statuses[_random.Next(Statuses.Length)]);
            Add(span, "k8s.api.version", ApiVersions[_random.Next(ApiVersions.Length)]);
            Add(span, "network.protocol.name", Protocols[_random.Next(Protocols.Length)]);
            Add(span, "url.path", $"/api/v1/namespaces/{ns}/{resource}/{pod}");
            byService[service].Spans.Add(span);
            SpansGenerated++;
        }
    }

    private string NextUuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }

    private static void Add(Span span, string key, string value) =>
        span.Attributes.Add(new KeyValue { Key = key, Value = new AnyValue { StringValue = value } });

    private static ByteString SpanIdBytes(ulong value)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    public static IReadOnlyList<string> NamespaceValues => Namespaces;
}
