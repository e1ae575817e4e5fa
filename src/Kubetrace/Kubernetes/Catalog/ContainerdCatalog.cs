using static Kubetrace.Kubernetes.Catalog.ContainerdNames;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// What containerd emits per release (1.6.x, 1.7.x, 2.x), from its upstream source. The CRI plugin runs inside
/// containerd and calls its services in process (<c>WithInMemoryServices</c>): below a CRI server span there is
/// no gRPC hop, so no <c>containerd.services.*</c> span, in any release.
/// </summary>
public static class ContainerdCatalog
{
    private static ComponentRelease C(int major, int minor, int patch = 0) => ComponentRelease.Containerd(major, minor, patch);

    private static ReleaseRange Range(ComponentRelease from, ComponentRelease? through = null) => new(from, through);

    /// <summary>The last tags read: a range that runs to them covers the rest of the line.</summary>
    private static readonly ComponentRelease Last16 = C(1, 6, 39), Last17 = C(1, 7, 34);

    private static readonly ReleaseRange All = Range(C(1, 6)), V17 = Range(C(1, 7), Last17), V17On = Range(C(1, 7)), V2 = Range(C(2, 0));

    private static SourceRef Src(string tag, string path, int line, string what) => new("containerd/containerd", tag, path, line, what);

    private static SourceRef Grpc(string version, int line, string what) =>
        new("open-telemetry/opentelemetry-go-contrib", $"instrumentation/google.golang.org/grpc/otelgrpc/{version}",
            "instrumentation/google.golang.org/grpc/otelgrpc/interceptor.go", line, what);

    private static readonly AttributeShape[] LayerAttributes =
    [
        new(LayerMediaType, "string: the layer's media type"), new(LayerMediaSize, "int: compressed bytes"),
        new(LayerMediaDigest, "string: sha256:…"),
    ];

    public static IReadOnlyList<SpanShape> Spans { get; } =
    [
        new()
        {
            Component = "containerd", Releases = All, Name = "<runtime.v1.RuntimeService|ImageService>/<Method>", Kind = SpanKind.Server, Scope = OtelGrpcScope,
            Parent = "the kubelet's CRI client span (remote)", Ends = "when the CRI handler returns",
            Attributes =
            [
                new("rpc.system", "string: grpc", Range(C(1, 6), C(2, 2, 99))), new("rpc.service", "string: runtime.v1.RuntimeService | ImageService", Range(C(1, 6), C(2, 2, 99))),
                new("rpc.method", "string: method; service/method from 2.3"), new("rpc.grpc.status_code", "int: 0 on success", Range(C(1, 6), C(2, 2, 99))),
                new("rpc.system.name", "string: grpc", Range(C(2, 3))), new("rpc.response.status_code", "string: OK", Range(C(2, 3))),
                new(ImageRef, "string: normalised reference (2.x PullImage: the CRI plugin sets it on the server span)", V2, Optional: true),
                new(SnapshotterName, "string: overlayfs (2.x PullImage)", V2, Optional: true),
            ],
            Events =
            [
                new("message", ["message.type", "message.id", "message.uncompressed_size"], Range(C(1, 6), C(1, 6, 27)), "RECEIVED then SENT, id 1 (otelgrpc v0.28 interceptors)"),
                new("message", ["message.type", "message.id"], Range(C(1, 7), C(1, 7, 8)), "RECEIVED then SENT, id 1 (otelgrpc v0.40 interceptors)"),
                new(PullCompleteEvent, [], V2, "2.x PullImage: when the pull returned"),
            ],
            Sources =
            [
                Src("v1.6.20", "services/server/server.go", 140, "otelgrpc.UnaryServerInterceptor() (v0.28)"),
                Grpc("v0.28.0", 323, "messageReceived.Event: message events always"),
                Src("v1.6.28", "services/server/server.go", 138, "grpc.StatsHandler(otelgrpc.NewServerHandler()): no message events unless asked"),
                Src("v1.7.0", "services/server/server.go", 127, "otelgrpc.UnaryServerInterceptor() (v0.40: events; v0.45 from 1.7.9: only when asked)"),
                Grpc("v0.45.0", 364, "if cfg.ReceivedEvent: containerd never asks"),
                Src("v1.7.17", "services/server/server.go", 129, "grpc.StatsHandler(otelgrpc.NewServerHandler())"),
                Src("v2.0.0", "cmd/containerd/server/server.go", 165, "grpc.StatsHandler(otelgrpc.NewServerHandler())"),
                Src("v2.0.0", "internal/cri/server/images/image_pull.go", 176, "image.ref / snapshotter.name on the server span (SpanFromContext)"),
                Src("v2.0.0", "internal/cri/server/images/image_pull.go", 215, "span.AddEvent(\"Pull and unpack image complete\")"),
            ],
            Note = "containerd listens on a unix socket, so otelgrpc's peer attributes (net.peer.*, net.sock.peer.*) are absent. The CRI plugin " +
                   "calls containerd's services in process: no containerd.services.tasks.v1.Tasks/Create (or any other gRPC) span under a CRI call.",
        },
        new()
        {
            Component = "containerd", Releases = V17, Name = CriPullImage, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = "the PullImage server span", Ends = "when the CRI PullImage returns (defer span.End()); status Ok or Error",
            Attributes = [new(ImageRef, "string: normalised reference (docker.io/library/redis:7.2.5)"), new(SnapshotterName, "string: overlayfs")],
            Events = [new(PullCompleteEvent, [], null, "when client.Pull returned, before the image record is read")],
            Sources =
            [
                Src("v1.7.20", "pkg/cri/instrument/instrumented_service.go", 980, "tracing.StartSpan(ctx, \"pkg.cri.server.PullImage\")"),
                Src("v1.7.20", "pkg/cri/server/image_pull.go", 156, "image.ref, snapshotter.name"),
                Src("v1.7.20", "pkg/cri/server/image_pull.go", 194, "span.AddEvent(\"Pull and unpack image complete\")"),
            ],
        },
        new()
        {
            Component = "containerd", Releases = V17, Name = CriImageStatus, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = "the ImageStatus server span", Ends = "when the CRI ImageStatus returns",
            Attributes = [new(ImageId, "string: sha256:… (only when the image is present)", Optional: true)],
            Events = [new("<not found error text>", [], null, "when the image is not present (the call still succeeds)")],
            Sources =
            [
                Src("v1.7.20", "pkg/cri/instrument/instrumented_service.go", 1102, "tracing.StartSpan(ctx, \"pkg.cri.server.ImageStatus\")"),
                Src("v1.7.20", "pkg/cri/server/image_status.go", 41, "span.AddEvent(err.Error()) when not found"),
                Src("v1.7.20", "pkg/cri/server/image_status.go", 47, "image.id"),
            ],
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = Pull, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = "1.7: pkg.cri.server.PullImage; 2.0 (and 2.1+ with use_local_image_pull): the PullImage server span",
            Ends = "when client.Pull returns (defer span.End()): after pull.UnpackWait and pull.pull.createNewImage",
            Attributes =
            [
                new(ImageRef, "string: the reference"), new(UnpackKey, "bool: true"), new(MaxConcurrentDownloads, "int: 3 (CRI default)"),
                new(PlatformsCount, "int: 0"), new(SnapshotterName, "string: overlayfs"),
            ],
            Sources = [Src("v1.7.20", "pull.go", 44, "tracing.StartSpan(ctx, \"pull.Pull\")"), Src("v1.7.20", "pull.go", 70, "image.ref, unpack, max.concurrent.downloads, platforms.count"), Src("v2.0.0", "client/pull.go", 44, "2.x client")],
            Note = "2.1+: the CRI plugin pulls through the transfer service by default (no pull.* spans; the unpacker's spans hang under the server span).",
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = Fetch, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Pull, Ends = "when the dispatch of index, manifest and config returns: resolving the reference and fetching the manifest and config, once per pull (layers are filtered out and fetched by the unpacker)",
            Sources = [Src("v1.7.20", "pull.go", 177, "tracing.StartSpan(ctx, \"pull.fetch\")"), Src("v1.7.20", "pkg/unpack/unpacker.go", 205, "layers are taken out of the manifest's children")],
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = UnpackHandler, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Fetch + " (2.1+ transfer: the server span)", Ends = "when one descriptor (index, manifest, config) is handled",
            Attributes = [new(DescriptorMediaType, "string"), new(DescriptorDigest, "string"), new("descriptor.child.<i>", "string[]: media type, digest (manifests)", Optional: true)],
            Sources = [Src("v1.7.20", "pkg/unpack/unpacker.go", 167, "tracing.StartSpan(ctx, \"pkg.unpack.unpacker.UnpackHandler\")")],
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = Unpack, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Pull + " (the unpacker keeps the pull's context; 2.1+ transfer: the server span)",
            Ends = "when every layer is unpacked: starts when the config is handled, inside pull.fetch, and runs in a goroutine",
            Sources = [Src("v1.7.20", "pkg/unpack/unpacker.go", 237, "tracing.StartSpan(u.ctx, \"pkg.unpack.unpacker.unpack\")"), Src("v1.7.20", "pkg/unpack/unpacker.go", 144, "u.ctx: the context NewUnpacker got (pull.Pull's)")],
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = FetchLayer, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = "the previous fetchLayer (ctx2 is reassigned in the loop), the first one pkg.unpack.unpacker.unpack",
            Ends = "when the layer's blob is downloaded into the content store (defer layerSpan.End() in its goroutine); starts before waiting for a download slot (max.concurrent.downloads)",
            Attributes = LayerAttributes,
            Sources = [Src("v1.7.20", "pkg/unpack/unpacker.go", 458, "ctx2, layerSpan := tracing.StartSpan(ctx2, \"pkg.unpack.unpacker.fetchLayer\")"), Src("v2.1.0", "core/unpack/unpacker.go", 506, "2.x")],
            Note = "The registry download of a layer: a slow registry shows here. Layers download in parallel up to max.concurrent.downloads.",
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = UnpackLayer, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Unpack, Ends = "when the layer is applied and committed; it starts before its own download is done and waits for it (select on fetchC[i])",
            Attributes = LayerAttributes,
            Sources = [Src("v1.7.20", "pkg/unpack/unpacker.go", 416, "tracing.StartSpan(ctx, \"pkg.unpack.unpacker.unpackLayer\")"), Src("v1.7.20", "pkg/unpack/unpacker.go", 380, "waits for <-fetchC[i-fetchOffset] before Apply"), Src("v2.1.0", "core/unpack/unpacker.go", 461, "2.x")],
            Note = "Layers are unpacked one after the other; an unpackLayer therefore contains the wait for its layer's download, so its length is not unpack time.",
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = UnpackWait, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Pull, Ends = "when the unpacker's goroutines are done (layer downloads and unpacks after pull.fetch)",
            Sources = [Src("v1.7.20", "pull.go", 148, "tracing.StartSpan(ctx, \"pull.UnpackWait\")")],
        },
        new()
        {
            Component = "containerd", Releases = V17On, Name = CreateNewImage, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
            Parent = Pull, Ends = "when the image record is written", Sources = [Src("v1.7.20", "pull.go", 292, "tracing.Name(\"pull\", \"pull.createNewImage\")")],
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 7), C(1, 7, 10)), Name = RegistryRequest, Kind = SpanKind.Client, Scope = ContainerdNames.Scope,
            Parent = "pull.fetch's handlers (resolve, manifest, config) or the layer's fetchLayer (blob)",
            Ends = "when the response headers arrive (defer httpSpan.End() in request.do): a blob's span does not cover its download",
            Attributes = [new("http.method", "string: HEAD | GET"), new("http.status_code", "int")],
            Sources = [Src("v1.7.0", "remotes/docker/resolver.go", 578, "tracing.StartSpan(..., WithHTTPRequest): ends with the headers")],
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 7, 11)), Name = RegistryRequest, Kind = SpanKind.Client, Scope = OtelHttpScope,
            Parent = "pull.fetch's handlers (resolve, manifest, config) or the layer's fetchLayer (blob)",
            Ends = "otelhttp transport: when the body is read to its end or closed, so a blob's span lasts its download",
            Attributes =
            [
                new("http.method", "string: HEAD | GET", Range(C(1, 7, 11), C(2, 2, 99))), new("http.status_code", "int", Range(C(1, 7, 11), C(2, 2, 99))),
                new("http.url", "string", Range(C(1, 7, 11), C(2, 2, 99)), Optional: true), new("http.request.method", "string", Range(C(2, 3))),
                new("http.response.status_code", "int", Range(C(2, 3))), new("url.full", "string", Range(C(2, 3)), Optional: true),
            ],
            Sources = [Src("v1.7.20", "remotes/docker/resolver.go", 589, "tracing.UpdateHTTPClient: otelhttp transport, span name fixed to remotes.docker.resolver.HTTPRequest")],
        },
        Client2(NewContainer, "CreateContainer and RunPodSandbox server spans", "when the container record is created (child: metadata.containers.Create)",
            [new(ContainerId, "string"), new(ContainerImageRef, "string", Optional: true)], Src("v2.0.0", "client/client.go", 288, "tracing.StartSpan(ctx, \"client.NewContainer\")"),
            Src("v2.1.0", "internal/cri/server/container_create.go", 426, "CreateContainer: c.client.NewContainer")),
        Client2(MetadataContainerCreate, "client.NewContainer (in-process container store)", "when the bolt transaction writes the record",
            [new(ContainerId, "string")], Src("v2.0.0", "core/metadata/containers.go", 125, "tracing.Name(\"metadata.containers\", \"Create\")")),
        Client2(MetadataSandboxCreate, "the RunPodSandbox server span", "when the sandbox record is written",
            [new(SandboxId, "string")], Src("v2.0.0", "core/metadata/sandbox.go", 55, "tracing.Name(\"metadata.sandbox\", \"Create\")"),
            Src("v2.1.0", "internal/cri/server/sandbox_run.go", 156, "SandboxStore().Create")),
        Client2(NewTask, "StartContainer and RunPodSandbox server spans", "when the shim created the task (runc create)",
            [new(TaskContainerId, "string"), new("task.request.options", "string", Optional: true)], Src("v2.0.0", "client/container.go", 225, "tracing.StartSpan(ctx, \"container.NewTask\")"),
            Src("v2.1.0", "internal/cri/server/container_start.go", 217, "StartContainer: container.NewTask")),
        Client2(TaskStart, "StartContainer and RunPodSandbox server spans", "when the task started",
            [new(TaskId, "string"), new(TaskPid, "int", Optional: true)], Src("v2.0.0", "client/task.go", 216, "tracing.StartSpan(ctx, \"task.Start\")"),
            Src("v2.1.0", "internal/cri/server/container_start.go", 258, "task.Start(ctx)")),
        Client2(TaskKill, "StopContainer and StopPodSandbox server spans", "when the signal is delivered",
            [new(TaskId, "string"), new(TaskPid, "int", Optional: true)], Src("v2.0.0", "client/task.go", 236, "tracing.StartSpan(ctx, \"task.Kill\")"),
            Src("v2.1.0", "internal/cri/server/container_stop.go", 177, "task.Kill(ctx, sig)")),
        Client2(TaskWait, "root: started with ctrdutil.NamespacedContext() (a background context) after NewTask", "when the task exits: lives as long as the container",
            [new(TaskId, "string")], Src("v2.0.0", "client/task.go", 308, "tracing.StartSpan(ctx, \"task.Wait\") in the waiting goroutine"),
            Src("v2.1.0", "internal/cri/server/container_start.go", 233, "task.Wait(ctrdutil.NamespacedContext())")),
        Client2(ContainerDelete, "the RemoveContainer server span", "when the container record and snapshot are removed (child: metadata.containers.Delete)",
            [new(ContainerId, "string")], Src("v2.0.0", "client/container.go", 185, "tracing.StartSpan(ctx, \"container.Delete\")"),
            Src("v2.1.0", "internal/cri/server/container_remove.go", 107, "container.Container.Delete")),
        Client2(MetadataContainerDelete, "container.Delete", "when the record is deleted",
            [new(ContainerId, "string")], Src("v2.0.0", "core/metadata/containers.go", 280, "tracing.Name(\"metadata.containers\", \"Delete\")")),
    ];

    public static IReadOnlyList<ComponentTracing> Components { get; } =
    [
        new()
        {
            Component = "containerd", Releases = Range(C(1, 6), C(1, 6, 31)),
            Resource = [new("service.name", "string: containerd (service_name)")],
            Sampler = "TraceIDRatioBased(sampling_ratio), not parent-based: the kubelet's decision is ignored (default ratio 1.0)",
            IncomingContext = "W3C traceparent from gRPC metadata: containerd's server span is the kubelet span's child, sampled or not by its own ratio",
            Sources = [Src("v1.6.20", "tracing/plugin/otlp.go", 145, "sdktrace.TraceIDRatioBased(config.TraceSamplingRatio)"), Src("v1.6.20", "tracing/plugin/otlp.go", 137, "resource: service.name only")],
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 6, 32), Last16),
            Resource = [new("service.name", "string: containerd (OTEL_SERVICE_NAME)"), new("telemetry.sdk.language", "string: go"), new("telemetry.sdk.name", "string: opentelemetry"), new("telemetry.sdk.version", "string")],
            Sampler = "the SDK's default from OTEL_TRACES_SAMPLER: parentbased_always_on; sampling_ratio is ignored",
            IncomingContext = "W3C traceparent (and baggage)",
            Sources = [Src("v1.6.33", "tracing/plugin/otlp.go", 205, "trace.NewTracerProvider(processors only): sampler and resource from the environment"), Src("v1.6.33", "tracing/plugin/otlp.go", 196, "OTEL_SERVICE_NAME defaults to containerd")],
            Note = "The endpoint too comes from OTEL_EXPORTER_OTLP_* only: a config.toml endpoint no longer turns tracing on.",
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 7), C(1, 7, 15)),
            Resource = [new("service.name", "string: containerd (service_name)"), new("host.name", "string: os.Hostname()")],
            Sampler = "ParentBased(TraceIDRatioBased(sampling_ratio)): follows the kubelet's decision",
            IncomingContext = "W3C traceparent (and baggage)",
            Sources = [Src("v1.7.0", "tracing/plugin/otlp.go", 157, "resource.WithHost()"), Src("v1.7.0", "tracing/plugin/otlp.go", 167, "trace.ParentBased(trace.TraceIDRatioBased(...))")],
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 7, 16), C(1, 7, 18)),
            Resource = [new("service.name", "string: containerd (OTEL_SERVICE_NAME)"), new("telemetry.sdk.language", "string: go"), new("telemetry.sdk.name", "string: opentelemetry"), new("telemetry.sdk.version", "string")],
            Sampler = "the SDK's default from OTEL_TRACES_SAMPLER: parentbased_always_on; sampling_ratio is ignored (deprecation warning)",
            IncomingContext = "W3C traceparent (and baggage)",
            Sources = [Src("v1.7.16", "tracing/plugin/otlp.go", 203, "trace.NewTracerProvider(processors only): no host.name, no configured sampler")],
            Note = "The endpoint comes from OTEL_EXPORTER_OTLP_* only.",
        },
        new()
        {
            Component = "containerd", Releases = Range(C(1, 7, 19), Last17),
            Resource = [new("service.name", "string: containerd (OTEL_SERVICE_NAME, or service_name)"), new("telemetry.sdk.language", "string: go"), new("telemetry.sdk.name", "string: opentelemetry"), new("telemetry.sdk.version", "string")],
            Sampler = "sampling_ratio set: OTEL_TRACES_SAMPLER=traceidratio, plain TraceIDRatioBased (the kubelet's decision is ignored); unset: parentbased_always_on",
            IncomingContext = "W3C traceparent (and baggage)",
            Sources = [Src("v1.7.20", "tracing/plugin/otlp.go", 170, "os.Setenv(OTEL_TRACES_SAMPLER, \"traceidratio\")"), Src("v1.7.20", "tracing/plugin/otlp.go", 240, "trace.NewTracerProvider(processors only)")],
        },
        new()
        {
            Component = "containerd", Releases = V2,
            Resource = [new("service.name", "string: containerd (OTEL_SERVICE_NAME)"), new("telemetry.sdk.language", "string: go"), new("telemetry.sdk.name", "string: opentelemetry"), new("telemetry.sdk.version", "string")],
            Sampler = "the SDK's default from OTEL_TRACES_SAMPLER: parentbased_always_on; sampling_ratio is ignored (deprecated, no conversion)",
            IncomingContext = "W3C traceparent (and baggage)",
            Sources = [Src("v2.0.0", "pkg/tracing/plugin/otlp.go", 196, "trace.NewTracerProvider(processors only)")],
        },
    ];

    /// <summary>A containerd 2.x client or metadata span under a CRI server span.</summary>
    private static SpanShape Client2(string name, string parent, string ends, AttributeShape[] attributes, params SourceRef[] sources) => new()
    {
        Component = "containerd", Releases = V2, Name = name, Kind = SpanKind.Internal, Scope = ContainerdNames.Scope,
        Parent = parent, Ends = ends, Attributes = attributes, Sources = sources,
    };
}
