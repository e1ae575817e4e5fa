namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Everything that defines a simulated cluster and its traffic. The same options (with the same
/// <see cref="Start"/>) give the same bytes.
/// </summary>
public sealed record SimulationOptions
{
    public KubernetesVersion KubernetesVersion { get; init; } = new(1, 34);

    /// <summary>containerd's tracing shape; null takes the version's usual containerd (1.6 with 1.27, else 1.7).</summary>
    public ContainerdVersion? Containerd { get; init; }

    /// <summary>etcd's tracing shape; null takes the version's usual etcd (3.5 before 1.34, else 3.6). 3.7 adds internal spans.</summary>
    public EtcdVersion? Etcd { get; init; }

    /// <summary>
    /// Secrets are encrypted at rest with a KMS v2 provider: their storage calls carry the envelope transformer's
    /// spans (<c>TransformFromStorage with envelopeTransformer</c>, <c>TransformToStorage with envelopeTransformer</c>).
    /// </summary>
    public bool KmsEncryption { get; init; }

    /// <summary>Whether secrets are encrypted: asked for, or implied by the kms-slow scenario.</summary>
    public bool EffectiveKmsEncryption => KmsEncryption || Scenarios.HasFlag(SimulationScenario.KmsSlow);

    /// <summary>
    /// kube-apiserver's <c>--watch-cache-sizes</c>, e.g. <c>secrets#0</c> (<see cref="Simulation.WatchCacheSizes"/>): a
    /// size of 0 turns that resource's watch cache off, so its reads and updates go to etcd (and, for an encrypted
    /// resource, decrypt inside the request). Empty: every resource but events has a watch cache, as by default.
    /// </summary>
    public IReadOnlyList<string> WatchCacheSizes { get; init; } = [];

    /// <summary>The settings in effect: <see cref="WatchCacheSizes"/>, and <c>secrets#0</c> when kms-slow plants it.</summary>
    public IReadOnlyList<string> EffectiveWatchCacheSizes =>
        Scenarios.HasFlag(SimulationScenario.KmsSlow) ? [.. WatchCacheSizes, KmsSlowWatchCacheSize] : WatchCacheSizes;

    /// <summary>What kms-slow sets: no watch cache for secrets, so that their reads decrypt inside traced requests.</summary>
    public const string KmsSlowWatchCacheSize = "secrets#0";

    /// <summary>
    /// The apiserver's, kubelet's and etcd's <c>samplingRatePerMillion</c> (0..1,000,000), applied as
    /// ParentBased(TraceIDRatioBased(rate/1e6)).
    /// </summary>
    public int SamplingRatePerMillion { get; init; } = 1_000_000;

    /// <summary>containerd's own ratio (its <c>sampling_ratio</c> × 1e6); null means the same as the others.</summary>
    public int? ContainerdSamplingRatePerMillion { get; init; }

    /// <summary>kube-apiserver requests per second, all callers together (pod starts included).</summary>
    public double RequestsPerSecond { get; init; } = 50;

    /// <summary>The simulated window: requests arrive in [Start, Start + Duration).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The start of the window; null means the moment the simulator is created (whole seconds).</summary>
    public DateTimeOffset? Start { get; init; }

    public int Nodes { get; init; } = 3;

    public int Namespaces { get; init; } = 4;

    public ulong Seed { get; init; } = 1;

    /// <summary>
    /// The run's identity: with <see cref="Seed"/> and <see cref="Start"/> it keys the trace IDs, so that two runs
    /// share no trace ID unless all three are equal (runs beside each other must not merge unrelated traces).
    /// <c>kubetrace simulate</c> draws a fresh one unless <c>--start</c> or <c>--run-id</c> asks for a reproducible run.
    /// </summary>
    public ulong RunId { get; init; }

    /// <summary>
    /// The seed that picks what the scenarios plant (which webhook, resource, image); null: <see cref="Seed"/>. Lets
    /// a second run send fresh traffic (another <see cref="Seed"/>) with the same planted problems, as the demo's
    /// live traffic after its backfill does.
    /// </summary>
    public ulong? FaultSeed { get; init; }

    public SimulationScenario Scenarios { get; init; } = SimulationScenario.Healthy;

    /// <summary>slow-webhook: what the slow webhook adds to each call it does not time out on.</summary>
    public TimeSpan WebhookAddedLatency { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>etcd-slow: what each etcd operation on the slow resource takes in addition.</summary>
    public TimeSpan EtcdAddedLatency { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>image-pull-slow: how long pulling the slow image takes (the CRI PullImage call).</summary>
    public TimeSpan SlowImagePullTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>apf-throttling: how long the throttled flow's requests wait in their priority level's queue.</summary>
    public TimeSpan ApfQueueWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>kms-slow: the KMS plugin's time to decrypt a DEK, which a read waits for when the DEK is not cached.</summary>
    public TimeSpan KmsAddedLatency { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What the slow-extension-apiserver scenario adds to every request its extension API server serves.</summary>
    public TimeSpan ExtensionAddedLatency { get; init; } = TimeSpan.FromMilliseconds(400);

    /// <summary>slow-scheduling: how long each rollout's pod waits for the scheduler to bind it.</summary>
    public TimeSpan SchedulingDelay { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>The Go batch span processor's largest export (spans per OTLP request).</summary>
    public int MaxSpansPerExport { get; init; } = 512;

    public ContainerdVersion EffectiveContainerd => Containerd ?? KubernetesVersion.DefaultContainerd;

    public EtcdVersion EffectiveEtcd => Etcd ?? KubernetesVersion.DefaultEtcd;

    public int EffectiveContainerdSamplingRatePerMillion => ContainerdSamplingRatePerMillion ?? SamplingRatePerMillion;

    /// <summary>Every problem with these options, each a sentence for the user.</summary>
    public IEnumerable<string> Validate()
    {
        if (KubernetesVersion < KubernetesVersion.Oldest)
            yield return $"Kubernetes {KubernetesVersion} is not simulated: use {KubernetesVersion.Oldest} or later";
        if (KubernetesVersion > KubernetesVersion.Newest)
            yield return $"Kubernetes {KubernetesVersion} is not simulated: the catalog was read from {KubernetesVersion.Oldest} to {KubernetesVersion.Newest}";
        if (SamplingRatePerMillion is < 0 or > 1_000_000)
            yield return $"samplingRatePerMillion {SamplingRatePerMillion} is outside 0..1000000";
        if (ContainerdSamplingRatePerMillion is < 0 or > 1_000_000)
            yield return $"containerd sampling rate per million {ContainerdSamplingRatePerMillion} is outside 0..1000000";
        if (!(RequestsPerSecond > 0) || double.IsInfinity(RequestsPerSecond))
            yield return $"request rate {RequestsPerSecond} must be above 0";
        if (Duration <= TimeSpan.Zero) yield return "the duration must be above 0";
        if (Nodes is < 1 or > 5000) yield return $"nodes {Nodes} must be 1..5000";
        if (Namespaces is < 1 or > 10000) yield return $"namespaces {Namespaces} must be 1..10000";
        if (MaxSpansPerExport < 1) yield return "spans per export must be at least 1";
        if (!Simulation.WatchCacheSizes.TryParse(WatchCacheSizes, out _, out var watchCacheError)) yield return "--watch-cache-sizes: " + watchCacheError;
        foreach (var (name, value) in new[]
                 {
                     ("webhook added latency", WebhookAddedLatency), ("etcd added latency", EtcdAddedLatency),
                     ("slow image pull time", SlowImagePullTime), ("APF queue wait", ApfQueueWait), ("KMS added latency", KmsAddedLatency),
                     ("extension added latency", ExtensionAddedLatency), ("scheduling delay", SchedulingDelay),
                 })
        {
            if (value <= TimeSpan.Zero || value > TimeSpan.FromMinutes(5)) yield return $"{name} {value} must be above 0 and at most 5m";
        }
    }
}
