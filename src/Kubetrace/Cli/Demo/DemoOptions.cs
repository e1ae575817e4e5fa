using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Cli.Demo;

/// <summary>What <c>kubetrace demo</c> runs: where the server listens and stores, and the traffic it simulates.</summary>
public sealed record DemoOptions
{
    public string Host { get; init; } = "localhost";
    public int OtlpGrpcPort { get; init; } = 4317;
    public int OtlpHttpPort { get; init; } = 4318;
    public int QueryPort { get; init; } = 16686;
    public int TempoPort { get; init; } = 3200;

    /// <summary>Null: a fresh folder under the system's temp folder, deleted on exit.</summary>
    public string? DataPath { get; init; }

    /// <summary>Past traffic generated at start, so the analyses have something to say at once.</summary>
    public TimeSpan Backfill { get; init; } = TimeSpan.FromMinutes(5);

    public double RequestsPerSecond { get; init; } = 40;

    /// <summary>The planted problems: the slow webhook, the slow etcd resource and the slow image are each found by one analysis.</summary>
    public SimulationScenario Scenarios { get; init; } =
        SimulationScenario.SlowWebhook | SimulationScenario.EtcdSlow | SimulationScenario.ImagePullSlow;

    public ulong Seed { get; init; } = 1;

    /// <summary>After the summary: keep serving (with live simulated traffic) until Ctrl+C, or exit.</summary>
    public bool KeepRunning { get; init; } = true;

    public string QueryUrl => $"http://{Host}:{QueryPort}";
}
