using Kubetrace.Kubernetes.Catalog;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A containerd release (<c>1.6.20</c>, <c>1.7.20</c>, <c>2.1.0</c>) and what its tracing looks like there
/// (<see cref="ContainerdCatalog"/>): containerd changes tracing within a minor, so the patch level counts.
/// </summary>
public readonly record struct ContainerdVersion(int Major, int Minor, int Patch = 0)
{
    /// <summary>A 1.6 before the otelgrpc stats handler (1.6.28) and the environment-only plugin (1.6.32).</summary>
    public static readonly ContainerdVersion V1_6 = new(1, 6, 20);

    /// <summary>A 1.7 after the environment-only plugin (1.7.16) and the config-to-environment conversion (1.7.19).</summary>
    public static readonly ContainerdVersion V1_7 = new(1, 7, 20);

    /// <summary>2.1: the CRI plugin pulls through the transfer service by default.</summary>
    public static readonly ContainerdVersion V2_1 = new(2, 1, 0);

    public ComponentRelease Release => ComponentRelease.Containerd(Major, Minor, Patch);

    /// <summary>The releases the simulator and the catalog know: 1.6.0 to any 2.x.</summary>
    public bool Supported => (Major == 1 && Minor is 6 or 7) || Major == 2;

    /// <summary>1.7 and 2.x trace image pulls inside containerd (<c>pull.*</c>, <c>pkg.unpack.unpacker.*</c>); 1.6 traces only its gRPC server.</summary>
    public bool PullSpans => !Is(1, 6);

    /// <summary>Only 1.7's CRI plugin wraps its image calls in spans of its own (<c>pkg.cri.server.PullImage</c>, <c>.ImageStatus</c>).</summary>
    public bool CriImageSpans => Is(1, 7);

    /// <summary>2.x's client traces containers and tasks (<c>client.NewContainer</c>, <c>container.NewTask</c>, <c>task.Start</c>, ...).</summary>
    public bool ClientSpans => Major >= 2;

    /// <summary>From 2.1 the CRI plugin pulls through the transfer service: no <c>pull.Pull</c> / <c>pull.fetch</c>, the unpacker's spans hang under the server span.</summary>
    public bool TransferServicePull => this >= new ContainerdVersion(2, 1);

    /// <summary>
    /// The otelgrpc server interceptors of 1.6.0–1.6.27 (v0.28) and 1.7.0–1.7.8 (v0.40) add a <c>message</c> event
    /// per message; later otelgrpc (interceptors of v0.45, the stats handler) only when asked, which containerd never does.
    /// </summary>
    public bool ServerMessageEvents => (Is(1, 6) && Patch <= 27) || (Is(1, 7) && Patch <= 8);

    /// <summary>otelgrpc v0.28 (1.6.0–1.6.27) also records each message's <c>message.uncompressed_size</c>.</summary>
    public bool ServerMessageSizes => Is(1, 6) && Patch <= 27;

    /// <summary>Only 1.7.0–1.7.15 build the resource with <c>resource.WithHost()</c>, so only they send <c>host.name</c>.</summary>
    public bool HostName => Is(1, 7) && Patch <= 15;

    /// <summary>
    /// From 1.6.32, 1.7.16 and in 2.x the tracer provider is built from the OTEL_* environment alone: the SDK's
    /// default resource (<c>telemetry.sdk.*</c>, OTEL_SERVICE_NAME set to <c>containerd</c>).
    /// </summary>
    public bool EnvironmentConfigured => (Is(1, 6) && Patch >= 32) || (Is(1, 7) && Patch >= 16) || Major >= 2;

    /// <summary>How containerd decides whether to sample a span whose remote parent is the kubelet's.</summary>
    public ContainerdSampling Sampling =>
        Is(1, 6) && Patch <= 31 ? ContainerdSampling.TraceIdRatio
        : Is(1, 7) && Patch <= 15 ? ContainerdSampling.ParentBasedRatio
        : Is(1, 7) && Patch >= 19 ? ContainerdSampling.TraceIdRatioFromConfig
        : ContainerdSampling.ParentBasedAlwaysOn;

    /// <summary>otelgrpc v0.68 (2.3) uses the new RPC conventions (<c>rpc.system.name</c>, fully qualified <c>rpc.method</c>).</summary>
    public bool NewRpcConventions => this >= new ContainerdVersion(2, 3);

    /// <summary>
    /// From 1.7.11 registry requests go through otelhttp's transport, whose span ends when the body is read: a
    /// blob's span lasts its download. Before (1.7.0–1.7.10) the span ended when the headers arrived.
    /// </summary>
    public bool RegistrySpansCoverBody => this >= new ContainerdVersion(1, 7, 11);

    /// <summary>otelhttp v0.68 (2.3) has only the stable HTTP conventions (<c>http.request.method</c>, <c>url.full</c>).</summary>
    public bool StableHttpConventions => this >= new ContainerdVersion(2, 3);

    /// <summary>Parses <c>1.7.20</c>, <c>v2.1.0</c>, or a bare minor (<c>1.7</c>: its usual release, <see cref="V1_7"/>; <c>2.0</c>: 2.0.0).</summary>
    public static bool TryParse(string text, out ContainerdVersion version)
    {
        version = default;
        if (!ComponentRelease.TryParse(ReleaseLine.Containerd, text, out var release)) return false;
        var bareMinor = text.Trim().TrimStart('v').Split('.').Length == 2;
        version = (bareMinor, release.Major, release.Minor) switch
        {
            (true, 1, 6) => V1_6,
            (true, 1, 7) => V1_7,
            _ => new ContainerdVersion(release.Major, release.Minor, release.Patch),
        };
        return version.Supported;
    }

    public static bool operator >=(ContainerdVersion a, ContainerdVersion b) => a.Release >= b.Release;

    public static bool operator <=(ContainerdVersion a, ContainerdVersion b) => a.Release <= b.Release;

    public static bool operator >(ContainerdVersion a, ContainerdVersion b) => a.Release > b.Release;

    public static bool operator <(ContainerdVersion a, ContainerdVersion b) => a.Release < b.Release;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";

    private bool Is(int major, int minor) => Major == major && Minor == minor;
}

/// <summary>containerd's sampler, by release (see <see cref="ContainerdVersion.Sampling"/>).</summary>
public enum ContainerdSampling
{
    /// <summary>1.6.0–1.6.31: <c>TraceIDRatioBased(sampling_ratio)</c>, parent ignored (default ratio 1.0).</summary>
    TraceIdRatio,

    /// <summary>1.7.0–1.7.15: <c>ParentBased(TraceIDRatioBased(sampling_ratio))</c>.</summary>
    ParentBasedRatio,

    /// <summary>1.6.32+, 1.7.16–1.7.18, 2.x: the SDK's default from OTEL_TRACES_SAMPLER, <c>parentbased_always_on</c>; config <c>sampling_ratio</c> ignored.</summary>
    ParentBasedAlwaysOn,

    /// <summary>1.7.19+: a configured <c>sampling_ratio</c> becomes OTEL_TRACES_SAMPLER=<c>traceidratio</c> (parent ignored); unset, <c>parentbased_always_on</c>.</summary>
    TraceIdRatioFromConfig,
}
