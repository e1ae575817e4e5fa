using static Kubetrace.Kubernetes.Catalog.KubeletNames;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// What the kubelet emits per release (1.27–1.36), from its upstream source: the pod workers' spans and the CRI
/// client's otelgrpc spans under them. kubernetes/kubernetes is cited at the commits its PRs name; the CRI client
/// at k8s.io/cri-client tags (1.31+), the tracer provider at k8s.io/component-base tags.
/// </summary>
public static class KubeletCatalog
{
    private const string K8s = "kubernetes/kubernetes";

    /// <summary>kubernetes/kubernetes at the commit kubernetes#122087 cites for the 1.28 code (during 1.29's development).</summary>
    private const string BrokenCommit = "ad9b60e2c9ddb21e8b00cabbe27e639638a0ea88";

    /// <summary>The stored kubernetes/kubernetes commit of pkg/kubelet/kubelet.go read for the 1.3x attributes.</summary>
    private const string RecentCommit = "000d95431f9f9ef4bb8298f8b78684eacbb18fa0";

    /// <summary>The stored versions of pkg/kubelet/server/server.go and cmd/kubelet/app/server.go (recent main, semconv v1.41).</summary>
    private const string ServerCommit = "008b3652959ca58af8be3fb5b6ecfe9ae7638282";
    private const string CmdCommit = "001332b0422071acf4860769f18e34b5e9b7c1bc";

    private static SourceRef CriClient(string tag, string path, int line, string what) => new("kubernetes/cri-client", tag, path, line, what);

    private static SourceRef ComponentBase(string tag, int line, string what) => new("kubernetes/component-base", tag, "tracing/utils.go", line, what);

    private static SourceRef Grpc(string version, string path, int line, string what) =>
        new("open-telemetry/opentelemetry-go-contrib", $"instrumentation/google.golang.org/grpc/otelgrpc/{version}",
            $"instrumentation/google.golang.org/grpc/otelgrpc/{path}", line, what);

    private static readonly AttributeShape[] PodAttributes =
    [
        new(PodUid, "string: the pod's UID"),
        new(Pod, "string: namespace/name (klog.KObj)"),
        new(PodName, "string: the pod's name"),
        new(Namespace, "string: the pod's namespace"),
    ];

    public static IReadOnlyList<SpanShape> Spans { get; } =
    [
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = SyncPod, Kind = SpanKind.Internal, Scope = KubeletNames.Scope,
            Parent = "root (the pod worker's context carries no span)",
            Ends = "when SyncPod returns (defer otelSpan.End()): after the runtime's SyncPod, i.e. after every CRI call of the sync",
            Attributes = [.. PodAttributes, new(UpdateType, "string: create | update | sync | kill (SyncPodType.String())")],
            Sources =
            [
                new(K8s, BrokenCommit, "pkg/kubelet/kubelet.go", 1719, "SyncPod starts the syncPod span (cited by kubernetes#122087)"),
                new(K8s, RecentCommit, "pkg/kubelet/kubelet.go", 1846, "SyncPod: kl.tracer.Start(ctx, \"syncPod\", pod uid, k8s.pod, name, update_type, namespace); RecordError + status Error on failure"),
            ],
            Note = "1.28–1.29: the CRI calls of the sync are not its children (see the CRI client span). The span carries no node: the node is the kubelet resource's host.name.",
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = SyncTerminatingPod, Kind = SpanKind.Internal, Scope = KubeletNames.Scope,
            Parent = "root (started from context.Background(): TODO #113606)",
            Ends = "when SyncTerminatingPod returns (defer otelSpan.End()): after StopContainer of every container and StopPodSandbox",
            Attributes = PodAttributes,
            Sources =
            [
                new(K8s, "pull/114504", "pkg/kubelet/kubelet.go", 1871, "syncTerminatingPod as a new root span (kubernetes#114504)"),
                new(K8s, RecentCommit, "pkg/kubelet/kubelet.go", 2069, "SyncTerminatingPod: kl.tracer.Start(context.Background(), \"syncTerminatingPod\", uid, k8s.pod, name, namespace)"),
            ],
            Note = "Its killPod CRI calls (StopContainer per container in parallel, then StopPodSandbox) are its children in every release.",
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = SyncTerminatedPod, Kind = SpanKind.Internal, Scope = KubeletNames.Scope,
            Parent = "root", Ends = "when SyncTerminatedPod returns (volumes unmounted, cgroups removed)",
            Attributes = PodAttributes,
            Sources = [new(K8s, "pull/114504", "pkg/kubelet/kubelet.go", 1871, "pod worker syncs become root spans (kubernetes#114504)")],
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = ImageGarbageCollect, Kind = SpanKind.Internal, Scope = ImagesScope,
            Parent = "root (the GC loop)", Ends = "when the image GC pass returns (defer otelSpan.End())",
            Sources = [new(K8s, "pull/114504", "pkg/kubelet/images/image_gc_manager.go", 109, "the image GC manager's tracer; GarbageCollect starts \"Images/GarbageCollect\"")],
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = ContainerGarbageCollect, Kind = SpanKind.Internal,
            Scope = "k8s.io/kubernetes/pkg/kubelet/kuberuntime",
            Parent = "root (the GC loop, every minute)", Ends = "when the container GC pass returns (defer otelSpan.End()); its RemoveContainer / RemovePodSandbox CRI calls are its children",
            Sources =
            [
                new(K8s, "pull/114504", "pkg/kubelet/kubelet.go", 1871, "top-level traces for pod sync and GC (kubernetes#114504)"),
            ],
            Note = "The scope is kuberuntime's tracer as kubernetes#114504 names it. The Start call itself (cgc.tracer.Start(ctx, \"Containers/GarbageCollect\") at the top of containerGC.GarbageCollect) is not cited by line: the search index holds only pre-tracing versions of kuberuntime_gc.go.",
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = "<route> (/stats/summary, /pods, /containerLogs/{podNamespace}/{podID}/{containerName}, ...)",
            Kind = SpanKind.Server, Scope = "go.opentelemetry.io/contrib/instrumentation/github.com/emicklei/go-restful/otelrestful",
            Parent = "the caller's span when it sends a sampled traceparent (ParentBased), else root",
            Ends = "when the handler returns",
            Attributes =
            [
                new("http.method", "string", ReleaseRange.Kubernetes(27, 34)), new("http.route", "string: the go-restful route"),
                new("http.status_code", "int", ReleaseRange.Kubernetes(27, 34)), new("http.request.method", "string", ReleaseRange.Kubernetes(35)),
                new("http.response.status_code", "int", ReleaseRange.Kubernetes(35)), new("user_agent.original", "string", Optional: true),
            ],
            Sources = [new(K8s, ServerCommit, "pkg/kubelet/server/server.go", 426, "InstallTracingFilter: s.restfulCont.Filter(otelrestful.OTelFilter(\"kubelet\", ... WithTracerProvider(tp)))")],
            Note = "Only the authenticated server (port 10250) is traced. Attribute keys follow the otelrestful version of the release (not pinned per tag here).",
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = "HTTP <METHOD>", Kind = SpanKind.Client,
            Scope = ContainerdNames.OtelHttpScope,
            Parent = "the span of the work that calls the apiserver with its context (syncPod's config map and secret reads), else root (status manager, node status, leases, events)",
            Ends = "when the response body is read or closed (otelhttp transport)",
            Attributes =
            [
                // otelhttp 0.35.1 (1.27–1.28): otel 1.10's semconv HTTPClientAttributesFromHTTPRequest.
                new("http.url", "string: the full URL with its query, e.g. https://<apiserver>/api/v1/pods?...&watch=true", ReleaseRange.Kubernetes(27, 34)),
                new("http.user_agent", "string: client-go's User-Agent (kubelet/v1.27.0 ...)", ReleaseRange.Kubernetes(27, 30), Optional: true),
                new("http.request_content_length", "int: the body's Content-Length (writes)", ReleaseRange.Kubernetes(27, 34), Optional: true),
                new("http.scheme", "string: http (from request.TLS, which a client's request never has)", ReleaseRange.Kubernetes(27, 28)),
                new("http.host", "string: the URL's host:port", ReleaseRange.Kubernetes(27, 28)),
                new("http.flavor", "string: 1.1 (http.NewRequest's protocol)", ReleaseRange.Kubernetes(27, 30)),
                new("http.method", "string", ReleaseRange.Kubernetes(27, 34)),
                // otelhttp 0.44–0.60 (1.29–1.34): semconvutil's ClientRequest.
                new("net.peer.name", "string: the URL's host", ReleaseRange.Kubernetes(29, 34)),
                new("net.peer.port", "int: the URL's port when not the scheme's default", ReleaseRange.Kubernetes(29, 34), Optional: true),
                new("user_agent.original", "string: client-go's User-Agent", ReleaseRange.Kubernetes(31, 34), Optional: true),
                new("http.status_code", "int", ReleaseRange.Kubernetes(27, 34)),
                // otelhttp 0.61+ (1.35+): the stable conventions.
                new("http.request.method", "string", ReleaseRange.Kubernetes(35)), new("url.full", "string: the full URL with its query", ReleaseRange.Kubernetes(35)),
                new("server.address", "string: the URL's host", ReleaseRange.Kubernetes(35)),
                new("server.port", "int: the URL's port when not the scheme's default", ReleaseRange.Kubernetes(35), Optional: true),
                new("network.protocol.version", "string: 1.1", ReleaseRange.Kubernetes(35)), new("http.response.status_code", "int", ReleaseRange.Kubernetes(35)),
                new("error.type", "string: the status code on a 4xx/5xx", ReleaseRange.Kubernetes(35), Optional: true),
            ],
            Sources =
            [
                new(K8s, CmdCommit, "cmd/kubelet/app/server.go", 1121, "buildKubeletClientConfig: clientConfig.Wrap(tracing.WrapperFor(tp)) (unconditional here; earlier releases behind the KubeletTracing gate)"),
                new("kubernetes/component-base", "v0.34.0", "tracing/utils.go", 119, "WrapperFor: otelhttp.NewTransport with the W3C propagators"),
                new("kubernetes/client-go", "v0.34.0", "transport/round_trippers.go", 43, "WrapTransport innermost, inside the user-agent round tripper (:62): otelhttp sees the User-Agent"),
                new("open-telemetry/opentelemetry-go-contrib", "instrumentation/net/http/otelhttp/v0.35.1", "instrumentation/net/http/otelhttp/transport.go", 113, "1.27–1.28: HTTPClientAttributesFromHTTPRequest (otel v1.10.0 semconv/internal/http.go:147–208: http.scheme from request.TLS)"),
                new("open-telemetry/opentelemetry-go-contrib", "instrumentation/net/http/otelhttp/v0.53.0", "instrumentation/net/http/otelhttp/internal/semconvutil/httpconv.go", 185, "1.31–1.34: ClientRequest (the same at v0.58.0, through RequestTraceAttrs without OTEL_SEMCONV_STABILITY_OPT_IN)"),
                new("open-telemetry/opentelemetry-go-contrib", "instrumentation/net/http/otelhttp/v0.44.0", "instrumentation/net/http/otelhttp/transport.go", 80, "span name \"HTTP \" + method"),
                new("open-telemetry/opentelemetry-go-contrib", "instrumentation/net/http/otelhttp/v0.61.0", "instrumentation/net/http/otelhttp/internal/semconv/env.go", 226, "1.35 (otelhttp v0.61): stable client attributes by default"),
            ],
        },
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27), Name = "<runtime.v1.RuntimeService|ImageService>/<Method>", Kind = SpanKind.Client,
            Scope = ContainerdNames.OtelGrpcScope,
            Parent = "1.27, 1.30+: the pod worker span that made the call (syncPod, syncTerminatingPod); 1.28–1.29: root for the calls of the runtime's SyncPod " +
                     "(RunPodSandbox, ImageStatus, PullImage, CreateContainer, StartContainer); the pod container deletor's RemoveContainer: root",
            Ends = "when the call returns (otelgrpc client interceptor; from 1.34 the stats handler)",
            Attributes =
            [
                new("rpc.system", "string: grpc", ReleaseRange.Kubernetes(27, 35)),
                new("rpc.service", "string: runtime.v1.RuntimeService | runtime.v1.ImageService", ReleaseRange.Kubernetes(27, 35)),
                new("rpc.method", "string: the method (RunPodSandbox); from 1.36 service/method", null),
                new("rpc.grpc.status_code", "int: 0 on success", ReleaseRange.Kubernetes(27, 35)),
                new("rpc.system.name", "string: grpc", ReleaseRange.Kubernetes(36)),
                new("rpc.response.status_code", "string: OK", ReleaseRange.Kubernetes(36)),
            ],
            Events =
            [
                new(MessageEvent, ["message.type", "message.id", "message.uncompressed_size"], ReleaseRange.Kubernetes(27, 33), "SENT then RECEIVED, id 1 each (unary)"),
                new(MessageEvent, ["message.type", "message.id", "message.compressed_size", "message.uncompressed_size"], ReleaseRange.Kubernetes(34, 35), "SENT then RECEIVED"),
                new(MessageEvent, ["rpc.message.type", "rpc.message.id", "rpc.message.compressed_size", "rpc.message.uncompressed_size"], ReleaseRange.Kubernetes(36), "SENT then RECEIVED"),
            ],
            Sources =
            [
                new(K8s, BrokenCommit, "pkg/kubelet/kubelet.go", 1963, "1.28–1.29: containerRuntime.SyncPod(todoCtx, ...): the CRI calls lose the syncPod span (kubernetes#121192, fixed by #122087)"),
                Grpc("v0.35.0", "interceptor.go", 106, "1.27–1.28 (otelgrpc v0.35): message events always"),
                CriClient("v0.31.0", "pkg/remote_runtime.go", 100, "WithMessageEvents(ReceivedEvents, SentEvents)"),
                CriClient("v0.31.0", "pkg/remote_runtime.go", 107, "UnaryClientInterceptor (1.31–1.33)"),
                CriClient("v0.34.0", "pkg/remote_runtime.go", 107, "NewClientHandler stats handler (1.34+)"),
                Grpc("v0.60.0", "stats_handler.go", 170, "message event with compressed and uncompressed size"),
                Grpc("v0.65.0", "stats_handler.go", 285, "1.36: semconv v1.39 keys (rpc.system.name, rpc.message.*)"),
            ],
            Note = "No pod attribute: before 1.30 (and in 1.28–1.29 where the calls are roots) nothing on the span names the pod; containerd's spans under " +
                   "PullImage name the image (1.7+).",
        },
    ];

    public static IReadOnlyList<ComponentTracing> Components { get; } =
    [
        new()
        {
            Component = "kubelet", Releases = ReleaseRange.Kubernetes(27),
            Resource = [new("service.name", "string: kubelet"), new("host.name", "string: the node's hostname (--hostname-override)")],
            Sampler = "ParentBased(TraceIDRatioBased(samplingRatePerMillion/1e6)); NeverSample as the root half when the rate is unset",
            IncomingContext = "none: the kubelet's spans are roots; its CRI client propagates W3C traceparent to containerd",
            Sources =
            [
                new(K8s, CmdCommit, "cmd/kubelet/app/server.go", 1433, "newTracerProvider: semconv.ServiceNameKey.String(server.ComponentKubelet) (\"kubelet\"), HostNameKey from the node's hostname on the next line"),
                ComponentBase("v0.27.0", 77, "sampler := sdktrace.NeverSample()"),
                ComponentBase("v0.27.0", 85, "sdktrace.ParentBased(sampler)"),
            ],
        },
    ];
}
