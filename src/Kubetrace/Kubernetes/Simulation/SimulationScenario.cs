namespace Kubetrace.Kubernetes.Simulation;

/// <summary>What is wrong in the simulated cluster; scenarios mix (<c>slow-webhook,image-pull-slow</c>).</summary>
[Flags]
public enum SimulationScenario
{
    /// <summary>Nothing planted: the baseline every other scenario is measured against.</summary>
    Healthy = 0,

    /// <summary>One admission webhook adds a fixed latency to every call; some calls time out.</summary>
    SlowWebhook = 1,

    /// <summary>One validating webhook (failurePolicy Fail) answers HTTP 500 to a share of calls: those requests fail.</summary>
    FailingWebhook = 2,

    /// <summary>Every etcd operation on one resource takes a fixed extra latency.</summary>
    EtcdSlow = 4,

    /// <summary>Pulling one image takes a fixed, long time.</summary>
    ImagePullSlow = 8,

    /// <summary>One flow (user) waits in an API Priority and Fairness queue; some of its requests get 429.</summary>
    ApfThrottling = 16,

    /// <summary>
    /// The KMS plugin is slow to decrypt a DEK. Turns KMS encryption on and secrets' watch cache off
    /// (<c>--watch-cache-sizes=secrets#0</c>): with the watch cache on, its untraced start-up list would cache every
    /// DEK first. A traced read (or update) of a secret whose DEK is not cached, the first of each DEK since the
    /// apiserver started, waits for the plugin; writes never call it.
    /// </summary>
    KmsSlow = 32,

    /// <summary>The extension API server behind one aggregated API group (metrics.k8s.io) answers every request a fixed time late.</summary>
    SlowExtensionApiserver = 64,

    /// <summary>Every rollout's pods wait a fixed time in the scheduler's queue before they are bound.</summary>
    SlowScheduling = 128,
}

/// <summary>The scenario names of the command line and the report.</summary>
public static class SimulationScenarios
{
    private static readonly (string Name, SimulationScenario Scenario)[] Names =
    [
        ("healthy", SimulationScenario.Healthy),
        ("slow-webhook", SimulationScenario.SlowWebhook),
        ("failing-webhook", SimulationScenario.FailingWebhook),
        ("etcd-slow", SimulationScenario.EtcdSlow),
        ("image-pull-slow", SimulationScenario.ImagePullSlow),
        ("apf-throttling", SimulationScenario.ApfThrottling),
        ("kms-slow", SimulationScenario.KmsSlow),
        ("slow-extension-apiserver", SimulationScenario.SlowExtensionApiserver),
        ("slow-scheduling", SimulationScenario.SlowScheduling),
    ];

    public static IEnumerable<string> AllNames => Names.Select(n => n.Name);

    /// <summary>Parses a comma-separated list such as <c>slow-webhook,etcd-slow</c>.</summary>
    public static bool TryParse(string text, out SimulationScenario scenarios, out string error)
    {
        scenarios = SimulationScenario.Healthy;
        error = "";
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Array.FindIndex(Names, n => n.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (match < 0)
            {
                error = $"'{part}' is not a scenario (one of {string.Join(", ", AllNames)})";
                return false;
            }
            scenarios |= Names[match].Scenario;
        }
        return true;
    }

    /// <summary>The names of the scenarios in a set, <c>healthy</c> when none is planted.</summary>
    public static IReadOnlyList<string> ToNames(SimulationScenario scenarios)
    {
        var names = Names.Where(n => n.Scenario != SimulationScenario.Healthy && scenarios.HasFlag(n.Scenario)).Select(n => n.Name).ToList();
        return names.Count == 0 ? ["healthy"] : names;
    }
}
