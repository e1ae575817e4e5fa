namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The causes the scenarios plant, chosen from the seed before any traffic, and the report entries that count
/// what they did. Each accessor answers "is this the planted one?" for the writers.
/// </summary>
internal sealed class PlantedFaults
{
    /// <summary>Share of the slow webhook's calls that run into its timeout.</summary>
    public const double WebhookTimeoutRate = 0.02;

    /// <summary>Share of the failing webhook's calls answered with HTTP 500.</summary>
    public const double WebhookFailureRate = 0.25;

    /// <summary>Share of the throttled flow's requests rejected with 429 after waiting.</summary>
    public const double ApfRejectRate = 0.10;

    public static readonly TimeSpan UsualPullTimeMax = TimeSpan.FromMilliseconds(2500);

    public PlantedFaults(SimulationOptions options, SimRandom random)
    {
        var scenarios = options.Scenarios;
        if (scenarios.HasFlag(SimulationScenario.SlowWebhook))
        {
            SlowWebhook = random.Pick(AdmissionWebhook.Cluster);
            // A timeout that the planted latency stays under, in whole seconds as timeoutSeconds is.
            var timeout = TimeSpan.FromSeconds(Math.Min(30, Math.Max(3, Math.Ceiling(options.WebhookAddedLatency.TotalSeconds * 2 + 1))));
            SlowWebhookTimeout = timeout;
            SlowWebhookReport = new PlantedSlowWebhook
            {
                Type = SlowWebhook.Type, Configuration = SlowWebhook.Configuration, Webhook = SlowWebhook.Name,
                AddedLatency = options.WebhookAddedLatency, Timeout = timeout, TimeoutRate = WebhookTimeoutRate,
                Resources = SlowWebhook.Resources, Operations = SlowWebhook.Operations,
            };
        }
        if (scenarios.HasFlag(SimulationScenario.FailingWebhook))
        {
            var validating = AdmissionWebhook.Cluster.Where(w => !w.Mutating && w != SlowWebhook).ToList();
            FailingWebhook = random.Pick(validating);
            FailingWebhookReport = new PlantedFailingWebhook
            {
                Type = FailingWebhook.Type, Configuration = FailingWebhook.Configuration, Webhook = FailingWebhook.Name,
                FailurePolicy = "Fail", FailureRate = WebhookFailureRate,
            };
        }
        if (scenarios.HasFlag(SimulationScenario.EtcdSlow))
        {
            SlowEtcdResource = random.Pick(ApiResource.EtcdSlowCandidates);
            SlowEtcdReport = new PlantedSlowEtcd
            {
                Resource = SlowEtcdResource.Resource, Group = SlowEtcdResource.Group, KeyPrefix = SlowEtcdResource.KeyPrefix,
                AddedLatency = options.EtcdAddedLatency,
            };
        }
        if (scenarios.HasFlag(SimulationScenario.ImagePullSlow))
        {
            SlowImage = random.Pick(SimulatedCluster.Workloads).Image;
            SlowImageReport = new PlantedSlowImage { Image = SlowImage, PullTime = options.SlowImagePullTime, UsualPullTimeMax = UsualPullTimeMax };
        }
        if (scenarios.HasFlag(SimulationScenario.KmsSlow))
            SlowKmsReport = new PlantedSlowKms { Resource = ApiResource.Secrets.Resource, WatchCacheSize = SimulationOptions.KmsSlowWatchCacheSize, Provider = "kms-v2 (kms-plugin)", AddedLatency = options.KmsAddedLatency };
        if (scenarios.HasFlag(SimulationScenario.SlowExtensionApiserver))
        {
            var api = AggregatedApi.MetricsServer;
            SlowExtensionReport = new PlantedSlowExtension
            {
                Group = api.Group, Version = api.Version, Service = api.Service, ServiceAddress = api.ServiceAddress,
                AddedLatency = options.ExtensionAddedLatency,
            };
        }
        if (scenarios.HasFlag(SimulationScenario.SlowScheduling))
            SlowSchedulingReport = new PlantedSlowScheduling { Delay = options.SchedulingDelay };
        if (scenarios.HasFlag(SimulationScenario.ApfThrottling))
        {
            ThrottledFlowReport = new PlantedThrottledFlow
            {
                User = SimulatedCluster.LoadTester.User, UserAgent = SimulatedCluster.LoadTester.UserAgent,
                FlowSchema = "service-accounts", PriorityLevel = "workload-low", QueueWait = options.ApfQueueWait,
                RejectRate = ApfRejectRate,
            };
        }
    }

    public AdmissionWebhook? SlowWebhook { get; }

    public TimeSpan SlowWebhookTimeout { get; }

    public PlantedSlowWebhook? SlowWebhookReport { get; }

    public AdmissionWebhook? FailingWebhook { get; }

    public PlantedFailingWebhook? FailingWebhookReport { get; }

    public ApiResource? SlowEtcdResource { get; }

    public PlantedSlowEtcd? SlowEtcdReport { get; }

    public string? SlowImage { get; }

    public PlantedSlowImage? SlowImageReport { get; }

    public PlantedThrottledFlow? ThrottledFlowReport { get; }

    public PlantedSlowKms? SlowKmsReport { get; }

    public PlantedSlowExtension? SlowExtensionReport { get; }

    public PlantedSlowScheduling? SlowSchedulingReport { get; }

    /// <summary>
    /// Whether the <paramref name="n"/>th event (from 1) is one of a share <paramref name="rate"/> spread evenly:
    /// the first, then every (1 / rate)th, so that after any number of events exactly ⌈n × rate⌉ were chosen. A
    /// planted rate then holds in a short window too (a coin toss per event would wander by a few percent over a
    /// hundred calls, and might plant none of a 2% share).
    /// </summary>
    public static bool IsNthOfRate(long n, double rate) => Chosen(n, rate) > Chosen(n - 1, rate);

    /// <summary>⌈n × rate⌉, with a margin for rates such as 0.1 that binary floating point cannot hold exactly.</summary>
    private static long Chosen(long n, double rate) => (long)Math.Ceiling(n * rate - 1e-9);

    public bool Throttles(ApiCaller caller) => ThrottledFlowReport is not null && caller == SimulatedCluster.LoadTester;
}
