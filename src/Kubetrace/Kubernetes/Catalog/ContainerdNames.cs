namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// The span names, attribute keys and event names containerd writes (<see cref="ContainerdCatalog"/> cites where):
/// the simulator writes them and the analyses read them through these constants.
/// </summary>
public static class ContainerdNames
{
    /// <summary>containerd's own spans come from <c>otel.Tracer("")</c>: an empty instrumentation scope.</summary>
    public const string Scope = "";

    public const string OtelGrpcScope = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc";
    public const string OtelHttpScope = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp";

    // containerd 1.7's CRI plugin (pkg/cri/instrument): image calls only.
    public const string CriPullImage = "pkg.cri.server.PullImage";
    public const string CriImageStatus = "pkg.cri.server.ImageStatus";

    // The client's pull (pull.go; client/pull.go in 2.x). tracing.Name("pull", "pull.createNewImage") really doubles the prefix.
    public const string Pull = "pull.Pull";
    public const string Fetch = "pull.fetch";
    public const string UnpackWait = "pull.UnpackWait";
    public const string CreateNewImage = "pull.pull.createNewImage";

    // The unpacker (pkg/unpack/unpacker.go; core/unpack in 2.x).
    public const string UnpackHandler = "pkg.unpack.unpacker.UnpackHandler";
    public const string Unpack = "pkg.unpack.unpacker.unpack";
    public const string UnpackLayer = "pkg.unpack.unpacker.unpackLayer";
    public const string FetchLayer = "pkg.unpack.unpacker.fetchLayer";

    /// <summary>Every registry request (remotes/docker/resolver.go): resolve, manifest, config, each layer blob.</summary>
    public const string RegistryRequest = "remotes.docker.resolver.HTTPRequest";

    // containerd 2.x's client and metadata store.
    public const string NewContainer = "client.NewContainer";
    public const string NewTask = "container.NewTask";
    public const string ContainerDelete = "container.Delete";
    public const string TaskStart = "task.Start";
    public const string TaskKill = "task.Kill";
    public const string TaskWait = "task.Wait";
    public const string TaskDelete = "task.Delete";
    public const string MetadataContainerCreate = "metadata.containers.Create";
    public const string MetadataContainerDelete = "metadata.containers.Delete";
    public const string MetadataSandboxCreate = "metadata.sandbox.Create";

    // Attribute keys.
    public const string ImageRef = "image.ref";
    public const string ImageId = "image.id";
    public const string SnapshotterName = "snapshotter.name";
    public const string UnpackKey = "unpack";
    public const string MaxConcurrentDownloads = "max.concurrent.downloads";
    public const string PlatformsCount = "platforms.count";
    public const string DescriptorMediaType = "descriptor.media.type";
    public const string DescriptorDigest = "descriptor.digest";
    public const string LayerMediaType = "layer.media.type";
    public const string LayerMediaSize = "layer.media.size";
    public const string LayerMediaDigest = "layer.media.digest";
    public const string ContainerId = "container.id";
    public const string ContainerImageRef = "container.image.ref";
    public const string TaskId = "task.id";
    public const string TaskPid = "task.pid";
    public const string TaskContainerId = "task.container.id";
    public const string SandboxId = "sandbox.id";

    /// <summary>The event the CRI plugin adds when <c>client.Pull</c> returned (pkg/cri/server/image_pull.go).</summary>
    public const string PullCompleteEvent = "Pull and unpack image complete";
}
