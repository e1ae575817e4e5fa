using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;
using static Kubetrace.Kubernetes.Catalog.ContainerdNames;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// containerd's side of a CRI call, per release (<see cref="ContainerdCatalog"/>): the otelgrpc server span under
/// the kubelet's client span, sampled by the release's sampler, and under it what the CRI plugin does in process —
/// 1.7's <c>pkg.cri.server.*</c> image spans, the pull tree (<c>pull.Pull</c> → <c>pull.fetch</c>, the unpacker's
/// <c>unpack</c> → chained <c>fetchLayer</c>s and sequential <c>unpackLayer</c>s that wait for their layer), 2.1+'s
/// transfer-service pull without <c>pull.*</c>, and 2.x's container and task spans. Never a gRPC hop inside containerd.
/// </summary>
internal sealed class ContainerdWriter(SimulationContext sim)
{
    private const int DownloadSlots = 3; // the CRI plugin's default max_concurrent_downloads
    private static readonly KeyValue Snapshotter = Str(SnapshotterName, "overlayfs");
    private static readonly KeyValue LayerType = Str(LayerMediaType, "application/vnd.oci.image.layer.v1.tar+gzip");

    private ContainerdVersion Version => sim.Options.EffectiveContainerd;

    /// <summary>The resource attributes a release adds to <c>service.name</c> (and <c>host.name</c>, 1.7.0–1.7.15).</summary>
    public static (string, string)[] ResourceAttributes(ContainerdVersion version) => version.EnvironmentConfigured
        ? [("telemetry.sdk.language", "go"), ("telemetry.sdk.name", "opentelemetry"), ("telemetry.sdk.version", SdkVersion(version))]
        : [];

    /// <summary>go.opentelemetry.io/otel/sdk in each release's go.mod.</summary>
    private static string SdkVersion(ContainerdVersion v) => v.Major >= 2
        ? v.Minor switch { 0 => "1.31.0", 1 => "1.35.0", 2 => "1.37.0", _ => "1.43.0" }
        : v.Minor == 7 && v.Patch < 20 ? "1.19.0" : "1.21.0";

    /// <summary>
    /// Writes the server span of a CRI call the kubelet made from <paramref name="clientStart"/> to
    /// <paramref name="clientEnd"/>, and what containerd does under it in that time.
    /// </summary>
    public void Serve(GrpcMethod method, SimulatedSpanContext client, SimulatedNode node, long clientStart, long clientEnd, CriWork work)
    {
        var start = clientStart + sim.Random.Micros(50, 200);
        var duration = clientEnd - sim.Random.Micros(50, 200) - start;
        var server = Sample(client, node, method.SpanName, start);
        if (server.Proto is { } proto) SemanticConventions.RpcServer(server, method, Version.NewRpcConventions);
        if (Version.ServerMessageEvents) Message(server, "RECEIVED", start + sim.Random.Micros(5, 30));
        var end = start + duration;
        if (method == GrpcMethod.PullImage && Version.PullSpans) Pull(server, work, start, end);
        else if (method == GrpcMethod.ImageStatus && Version.CriImageSpans) ImageStatus(server, work.Image!, start, end);
        else if (Version.ClientSpans) ClientCalls(method, server, start, duration);
        if (Version.ServerMessageEvents) Message(server, "SENT", end - sim.Random.Micros(5, 30));
        sim.Recorder.End(server, end);
    }

    private OpenSpan Sample(SimulatedSpanContext client, SimulatedNode node, string name, long start) => Version.Sampling switch
    {
        ContainerdSampling.TraceIdRatio or ContainerdSampling.TraceIdRatioFromConfig =>
            sim.Recorder.ChildByRatio(client, sim.ContainerdSampler, node.Containerd, SimulatedScope.OtelGrpc, name, SpanKind.Server, start),
        _ => sim.Recorder.Child(client, remote: true, node.Containerd, SimulatedScope.OtelGrpc, name, SpanKind.Server, start),
    };

    private void Message(OpenSpan span, string type, long time)
    {
        if (span.Proto is not { } proto) return;
        var message = new Span.Types.Event { Name = "message", TimeUnixNano = (ulong)time };
        message.Attributes.Add(sim.Attributes.Str("message.type", type));
        message.Attributes.Add(Int("message.id", 1));
        if (Version.ServerMessageSizes) message.Attributes.Add(Int("message.uncompressed_size", sim.Random.Between(20, 400)));
        proto.Events.Add(message);
    }

    /// <summary>1.7's <c>pkg.cri.server.ImageStatus</c>: the image is not there yet (the kubelet pulls next), so an event and no image.id.</summary>
    private void ImageStatus(OpenSpan server, string image, long start, long end)
    {
        var status = Internal(server, CriImageStatus, start + sim.Random.Micros(10, 40));
        if (status.Proto is { } proto)
            proto.Events.Add(new Span.Types.Event { Name = $"image \"{image}\": not found", TimeUnixNano = (ulong)(start + (end - start) / 2) });
        EndOk(status, end - sim.Random.Micros(10, 40));
    }

    /// <summary>
    /// A pull filling the server span from <paramref name="start"/> to <paramref name="end"/>: 1.7 under
    /// <c>pkg.cri.server.PullImage</c>, 2.0 under the server span, 2.1+ through the transfer service (no
    /// <c>pull.*</c>). Resolving and the manifest take small shares of the usual pull time; the layers' downloads
    /// take what is left after unpacking, so a slow registry's delay lands in them.
    /// </summary>
    private void Pull(OpenSpan server, CriWork work, long start, long end)
    {
        var random = sim.Random;
        var usual = work.PlannedNanos;
        var cri = Version.CriImageSpans ? Internal(server, CriPullImage, start + random.Micros(10, 40)) : server;
        if (cri.Proto is { } criProto)
        {
            criProto.Attributes.Add(sim.Attributes.Str(ImageRef, work.Image!));
            criProto.Attributes.Add(Snapshotter);
        }
        var criEnd = Version.CriImageSpans ? end - random.Micros(10, 40) : end;
        var completed = criEnd - random.Micros(500, 2_000); // then the CRI plugin reads the image config and writes its record
        var local = !Version.TransferServicePull;
        var t = (long)(cri.Proto?.StartTimeUnixNano ?? (ulong)start) + random.Micros(100, 400);
        var pull = local ? Internal(cri, ContainerdNames.Pull, t) : cri;
        if (local && pull.Proto is { } pullProto)
        {
            pullProto.Attributes.Add(sim.Attributes.Str(ImageRef, work.Image!));
            pullProto.Attributes.Add(Bool(UnpackKey, true));
            pullProto.Attributes.Add(Int(MaxConcurrentDownloads, DownloadSlots));
            pullProto.Attributes.Add(Int(PlatformsCount, 0));
            pullProto.Attributes.Add(Snapshotter);
        }
        var pullEnd = completed - random.Micros(200, 800);
        var unpacked = local ? pullEnd - random.Micros(5_000, 10_000) : pullEnd; // pull.pull.createNewImage comes after
        // Resolve and fetch index, manifest and config (pull.fetch); handling the config starts the unpacker.
        var fetch = local ? Internal(pull, Fetch, t + random.Micros(20, 80)) : pull;
        var f = (long)(fetch.Proto?.StartTimeUnixNano ?? (ulong)t) + random.Micros(10, 50);
        f = Registry(fetch, "HEAD", f, usual / 50) + random.Micros(20, 100);
        f = Handler(fetch, "application/vnd.oci.image.index.v1+json", f, usual / 40);
        var configHandled = Handler(fetch, "application/vnd.oci.image.config.v1+json", f + random.Micros(20, 100), usual / 60);
        var fetchEnd = configHandled + random.Micros(50, 300);
        if (local) sim.Recorder.End(fetch, fetchEnd);
        Unpack(pull, configHandled + random.Micros(10, 50), unpacked, usual);
        if (local)
        {
            sim.Recorder.End(Internal(pull, UnpackWait, fetchEnd + random.Micros(10, 50)), unpacked + random.Micros(10, 50));
            var create = Internal(pull, CreateNewImage, unpacked + random.Micros(100, 200));
            sim.Recorder.End(create, pullEnd - random.Micros(50, 100));
            sim.Recorder.End(pull, pullEnd);
        }
        if (cri.Proto is { } done) done.Events.Add(new Span.Types.Event { Name = PullCompleteEvent, TimeUnixNano = (ulong)completed });
        if (Version.CriImageSpans) EndOk(cri, criEnd);
    }

    /// <summary>
    /// The unpacker from <paramref name="start"/> to <paramref name="end"/>: <c>unpack</c>, its chained
    /// <c>fetchLayer</c>s (downloads in parallel, up to <see cref="DownloadSlots"/>) and its sequential
    /// <c>unpackLayer</c>s, each waiting for its layer's download and then applying it (a quarter of the usual pull).
    /// </summary>
    private void Unpack(OpenSpan parent, long start, long end, long usual)
    {
        var random = sim.Random;
        var unpack = Internal(parent, ContainerdNames.Unpack, start);
        var layers = 1 + random.Next(3);
        var apply = usual / 4 / layers;
        var fetchStart = start + random.Micros(200, 1_000); // reading the config blob, preparing the first snapshot
        var chain = unpack;
        for (var i = 0; i < layers; i++)
        {
            // Layer i must be down when the unpacking of the layers before it is done.
            var downloaded = Math.Max(fetchStart + 2_000_000, end - (layers - i) * apply - random.Micros(100, 300));
            var layer = Internal(chain, FetchLayer, fetchStart + i * random.Micros(20, 60));
            AddLayer(layer, random.Between(2_000_000, 60_000_000), i);
            Registry(layer, "GET", layer.Start + random.Micros(50, 200), downloaded - layer.Start - random.Micros(300, 500), covers: Version.RegistrySpansCoverBody);
            sim.Recorder.End(layer, downloaded);
            chain = layer;
        }
        var t = fetchStart - random.Micros(50, 150);
        for (var i = 0; i < layers; i++)
        {
            var layer = Internal(unpack, UnpackLayer, t);
            AddLayer(layer, random.Between(2_000_000, 60_000_000), i);
            t = i == layers - 1 ? end - random.Micros(20, 50) : end - (layers - 1 - i) * apply; // waited for its download, then applied
            sim.Recorder.End(layer, t); // 1.7–2.1 end it without a status on success
        }
        sim.Recorder.End(unpack, end);
    }

    private void AddLayer(OpenSpan layer, long size, int index)
    {
        if (layer.Proto is not { } proto) return;
        proto.Attributes.Add(LayerType);
        proto.Attributes.Add(Int(LayerMediaSize, size));
        proto.Attributes.Add(Str(LayerMediaDigest, $"sha256:{sim.Random.NextUInt64():x16}{sim.Random.NextUInt64():x16}{index:x2}"));
    }

    /// <summary>An UnpackHandler for one descriptor with the GET that fetches it; returns its end.</summary>
    private long Handler(OpenSpan parent, string mediaType, long start, long duration)
    {
        var handler = Internal(parent, UnpackHandler, start);
        if (handler.Proto is { } proto)
        {
            proto.Attributes.Add(sim.Attributes.Str(DescriptorMediaType, mediaType));
            proto.Attributes.Add(Str(DescriptorDigest, $"sha256:{sim.Random.NextUInt64():x16}"));
        }
        var end = Registry(handler, "GET", start + sim.Random.Micros(20, 80), duration) + sim.Random.Micros(50, 200);
        sim.Recorder.End(handler, end);
        return end;
    }

    /// <summary>
    /// A registry request span; before 1.7.11 it ends with the response headers (<paramref name="covers"/> false
    /// cuts it short), after it with the body. Returns when the request is done, whatever the span shows.
    /// </summary>
    private long Registry(OpenSpan parent, string method, long start, long duration, bool covers = true)
    {
        var body = Version.RegistrySpansCoverBody ? SimulatedScope.OtelHttp : SimulatedScope.Containerd;
        var span = sim.Recorder.Child(parent.Context, false, parent.Component, body, RegistryRequest, SpanKind.Client, start);
        if (span.Proto is { } proto)
        {
            proto.Attributes.Add(sim.Attributes.Str(Version.StableHttpConventions ? "http.request.method" : "http.method", method));
            proto.Attributes.Add(Int(Version.StableHttpConventions ? "http.response.status_code" : "http.status_code", 200));
        }
        var end = start + Math.Max(duration, 1_000);
        sim.Recorder.End(span, covers ? end : start + Math.Min(end - start, sim.Random.Micros(5_000, 40_000)));
        return end;
    }

    /// <summary>2.x: the client's container and task spans under a CRI call (the services are in process).</summary>
    private long ClientCalls(GrpcMethod method, OpenSpan server, long start, long duration)
    {
        var end = start + duration;
        var t = start + duration / 20;
        if (method == GrpcMethod.RunPodSandbox)
        {
            t = Step(server, MetadataSandboxCreate, t, duration / 20, SandboxId);
            t = NewContainer(server, t, duration / 5);
            t = Step(server, NewTask, t, duration / 3, TaskContainerId);
            Step(server, TaskStart, t, duration / 5, TaskId);
        }
        else if (method == GrpcMethod.CreateContainer)
            NewContainer(server, t, duration * 7 / 10);
        else if (method == GrpcMethod.StartContainer)
        {
            t = Step(server, NewTask, t, duration / 2, TaskContainerId);
            Step(server, TaskStart, t, duration / 3, TaskId);
        }
        else if (method == GrpcMethod.StopContainer || method == GrpcMethod.StopPodSandbox)
            Step(server, TaskKill, t, duration / 20, TaskId);
        else if (method == GrpcMethod.RemoveContainer)
        {
            var delete = Internal(server, ContainerDelete, t);
            delete.Proto?.Attributes.Add(Str(ContainerId, ContainerIdOf(server)));
            Step(delete, MetadataContainerDelete, t + duration / 10, duration / 3, ContainerId);
            sim.Recorder.End(delete, t + duration * 8 / 10);
        }
        return end;
    }

    private long NewContainer(OpenSpan server, long start, long duration)
    {
        var create = Internal(server, ContainerdNames.NewContainer, start);
        create.Proto?.Attributes.Add(Str(ContainerId, ContainerIdOf(server)));
        Step(create, MetadataContainerCreate, start + duration / 2, duration / 4, ContainerId);
        sim.Recorder.End(create, start + duration);
        return start + duration + sim.Random.Micros(20, 100);
    }

    private long Step(OpenSpan parent, string name, long start, long duration, string idKey)
    {
        var span = Internal(parent, name, start);
        span.Proto?.Attributes.Add(Str(idKey, ContainerIdOf(parent)));
        sim.Recorder.End(span, start + duration);
        return start + duration + sim.Random.Micros(20, 100);
    }

    /// <summary>A container (or sandbox) ID: 64 hex characters, derived from the CRI call's span ID so it is stable per call.</summary>
    private static string ContainerIdOf(OpenSpan span) => Convert.ToHexStringLower(span.Context.SpanId.Span) + new string('0', 48);

    private OpenSpan Internal(OpenSpan parent, string name, long start) =>
        sim.Recorder.Child(parent.Context, false, parent.Component, SimulatedScope.Containerd, name, SpanKind.Internal, start);

    /// <summary>Where containerd calls tracing.Span.SetStatus(nil) (the CRI plugin's image spans) the status is Ok, unlike otelgrpc's and the kubelet's.</summary>
    private void EndOk(OpenSpan span, long end)
    {
        if (span.Proto is { } proto) proto.Status = new Status { Code = Status.Types.StatusCode.Ok };
        sim.Recorder.End(span, end);
    }
}

/// <summary>What a CRI call works on: the image of a pull or status check, and the usual time of a pull (a slow registry adds to it).</summary>
internal readonly record struct CriWork(string? Image = null, long PlannedNanos = 0);
