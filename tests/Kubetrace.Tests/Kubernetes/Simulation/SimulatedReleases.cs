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
}
