namespace Kubetrace.Kubernetes.Simulation;

/// <summary>What every writer of one simulation shares: options, randomness, the cluster, the planted faults, the report.</summary>
internal sealed class SimulationContext
{
    public SimulationContext(SimulationOptions options, SimulationReport report, PlantedFaults faults, SimRandom random,
        SimulatedCluster cluster, SpanBatcher batches)
    {
        Options = options;
        Report = report;
        Faults = faults;
        Random = random;
        Cluster = cluster;
        Recorder = new SpanRecorder(random, batches, TraceIdKey.For(options));
        Sampler = new TraceIdRatioSampler(options.SamplingRatePerMillion);
        ContainerdSampler = new TraceIdRatioSampler(options.EffectiveContainerdSamplingRatePerMillion);
        Semconv = new SemanticConventions(options.KubernetesVersion, Attributes);
        WindowStart = options.Start!.Value.ToUnixTimeMilliseconds() * 1_000_000;
        WindowEnd = (options.Start!.Value + options.Duration).ToUnixTimeMilliseconds() * 1_000_000;
        WatchCacheSizes.TryParse(options.EffectiveWatchCacheSizes, out _watchCacheOff, out _);
    }

    private readonly HashSet<string> _watchCacheOff;

    /// <summary>
    /// Whether the apiserver keeps a watch cache of <paramref name="resource"/>: by default every resource but events,
    /// unless <c>--watch-cache-sizes</c> sets its size to 0 (<see cref="SimulationOptions.EffectiveWatchCacheSizes"/>).
    /// </summary>
    public bool WatchCached(ApiResource resource) => resource.WatchCached && !_watchCacheOff.Contains(resource.GroupResource);

    /// <summary>The start of the simulated window (Unix nanoseconds): the simulated apiserver starts then.</summary>
    public long WindowStart { get; }

    /// <summary>The end of the simulated window (Unix nanoseconds): long-running requests close by then.</summary>
    public long WindowEnd { get; }

    public SimulationOptions Options { get; }

    public SimulationReport Report { get; }

    public PlantedFaults Faults { get; }

    public SimRandom Random { get; }

    public SimulatedCluster Cluster { get; }

    public SpanRecorder Recorder { get; }

    /// <summary>The ratio half of the apiserver's, kubelet's, etcd's and the clients' ParentBased samplers.</summary>
    public TraceIdRatioSampler Sampler { get; }

    /// <summary>containerd's sampler (plain ratio in 1.6, the ratio half of ParentBased in 1.7).</summary>
    public TraceIdRatioSampler ContainerdSampler { get; }

    public SemanticConventions Semconv { get; }

    /// <summary>Shared attributes for low-cardinality values.</summary>
    public AttributeCache Attributes { get; } = new();
}
