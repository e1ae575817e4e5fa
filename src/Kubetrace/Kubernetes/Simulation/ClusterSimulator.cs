namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Simulates a Kubernetes control plane's traces: what kube-apiserver, etcd, the kubelets, containerd and a few
/// traced clients export over OTLP for a window of traffic, with the scenarios' causes planted. Deterministic: the
/// same options give the same batches, byte for byte.
/// </summary>
/// <example>
/// <code>
/// var simulator = new ClusterSimulator(new SimulationOptions { Scenarios = SimulationScenario.SlowWebhook, Start = start });
/// foreach (var batch in simulator.Batches()) send(batch.Request);
/// var planted = simulator.Report.SlowWebhook; // which webhook, and the latency it adds
/// </code>
/// </example>
public sealed class ClusterSimulator
{
    private const long NanosPerSecond = 1_000_000_000;

    public ClusterSimulator(SimulationOptions options)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0) throw new ArgumentException(string.Join("; ", problems), nameof(options));
        Options = options.Start is null
            ? options with { Start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()) }
            : options;
        Report = NewReport(new PlantedFaults(Options, new SimRandom(Options.FaultSeed ?? Options.Seed)));
    }

    /// <summary>The options with <see cref="SimulationOptions.Start"/> set.</summary>
    public SimulationOptions Options { get; }

    /// <summary>
    /// What was planted (known from the start) and what was emitted (complete once <see cref="Batches"/> has been
    /// enumerated to the end; each enumeration starts a new report).
    /// </summary>
    public SimulationReport Report { get; private set; }

    public DateTimeOffset Start => Options.Start!.Value;

    public DateTimeOffset End => Start + Options.Duration;

    /// <summary>
    /// The OTLP exports of the window in the order the components would send them (by the second their spans ended).
    /// Lazy: spans are generated as the batches are taken.
    /// </summary>
    public IEnumerable<SimulatedBatch> Batches()
    {
        var random = new SimRandom(Options.Seed);
        // Without a fault seed the picks are the first draws of the traffic's own stream (same output as ever).
        var faults = new PlantedFaults(Options, Options.FaultSeed is { } faultSeed ? new SimRandom(faultSeed) : random);
        var report = NewReport(faults);
        Report = report;
        var cluster = new SimulatedCluster(Options);
        var batcher = new SpanBatcher(cluster.Components, Options.MaxSpansPerExport);
        var sim = new SimulationContext(Options, report, faults, random, cluster, batcher);
        var traffic = new ClusterTraffic(sim);

        var start = Start.ToUnixTimeMilliseconds() * 1_000_000;
        var end = End.ToUnixTimeMilliseconds() * 1_000_000;
        var interval = NanosPerSecond / Options.RequestsPerSecond;
        long slot = 0;
        while (true)
        {
            var arrival = start + (long)((slot + random.NextDouble()) * interval);
            if (arrival >= end) break;
            foreach (var batch in batcher.ExportBefore(arrival)) yield return batch;
            slot += traffic.WriteNext(arrival);
        }
        foreach (var batch in batcher.ExportAll()) yield return batch;

        report.Components = cluster.Components.Select(c => new ComponentReport(c.ServiceName, c.Node, c.Spans, c.Traces, c.Batches)).ToList();
        report.Spans = cluster.Components.Sum(c => c.Spans);
        report.Traces = cluster.Components.Sum(c => c.Traces);
        report.Batches = cluster.Components.Sum(c => c.Batches);
    }

    private SimulationReport NewReport(PlantedFaults faults) => new()
    {
        KubernetesVersion = Options.KubernetesVersion.ToString(),
        ContainerdVersion = Options.EffectiveContainerd.ToString(),
        EtcdVersion = EtcdVersions.Name(Options.EffectiveEtcd),
        KmsEncryption = Options.EffectiveKmsEncryption,
        WatchCacheSizes = Options.EffectiveWatchCacheSizes,
        Seed = Options.Seed,
        RunId = Options.RunId,
        Scenarios = SimulationScenarios.ToNames(Options.Scenarios),
        Start = Start,
        End = End,
        RequestsPerSecond = Options.RequestsPerSecond,
        SamplingRatePerMillion = Options.SamplingRatePerMillion,
        ContainerdSamplingRatePerMillion = Options.EffectiveContainerdSamplingRatePerMillion,
        Nodes = Options.Nodes,
        Namespaces = Options.Namespaces,
        SlowWebhook = faults.SlowWebhookReport,
        FailingWebhook = faults.FailingWebhookReport,
        SlowEtcd = faults.SlowEtcdReport,
        SlowImage = faults.SlowImageReport,
        ThrottledFlow = faults.ThrottledFlowReport,
        SlowKms = faults.SlowKmsReport,
        SlowExtension = faults.SlowExtensionReport,
        SlowScheduling = faults.SlowSchedulingReport,
    };
}
