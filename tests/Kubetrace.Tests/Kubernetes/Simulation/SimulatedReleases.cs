using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>One simulation per Kubernetes release and scenario set, run once and shared by the tests that read it.</summary>
internal static class SimulatedReleases
{
    private static readonly Dictionary<(string, SimulationScenario), SimulatedSpans> Runs = [];

    /// <summary>100 requests/s for <paramref name="seconds"/> of <paramref name="version"/> with <paramref name="scenarios"/>.</summary>
    public static SimulatedSpans Of(string version, SimulationScenario scenarios, int seconds)
    {
        lock (Runs)
        {
            if (!Runs.TryGetValue((version, scenarios), out var run))
                Runs[(version, scenarios)] = run = SimulatedSpans.Run(new SimulationOptions
                {
                    KubernetesVersion = KubernetesVersion.Parse(version),
                    RequestsPerSecond = 100,
                    Duration = TimeSpan.FromSeconds(seconds),
                    Scenarios = scenarios,
                });
            return run;
        }
    }

    private static readonly Dictionary<string, SimulatedSpans> PastTtlRuns = [];

    /// <summary>
    /// A KMS-encrypted <paramref name="version"/> apiserver with secrets' watch cache on (the default) that runs past
    /// its DEK cache's 24 h TTL: 26 hours at 0.05 requests/s over 500 namespaces, so that few of the secrets read after
    /// the 24 h were rewritten in the run (most still carry a DEK the start-up list cached).
    /// </summary>
    public static SimulatedSpans PastDekTtl(string version)
    {
        lock (PastTtlRuns)
        {
            if (!PastTtlRuns.TryGetValue(version, out var run))
                PastTtlRuns[version] = run = SimulatedSpans.Run(new SimulationOptions
                {
                    KubernetesVersion = KubernetesVersion.Parse(version),
                    KmsEncryption = true,
                    RequestsPerSecond = 0.05,
                    Duration = TimeSpan.FromHours(26),
                    Namespaces = 500,
                });
            return run;
        }
    }
}
