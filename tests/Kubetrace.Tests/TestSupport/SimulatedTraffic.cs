using Kubetrace.Bench;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Fills a running server with a simulated cluster as <c>kubetrace simulate</c> sends it (its sender, over real
/// OTLP/HTTP, as fast as the server accepts), and fails the test when any batch or span did not arrive: the tests that
/// read what the simulation planted count on every span of it being stored.
/// </summary>
internal static class SimulatedTraffic
{
    /// <summary>Sends the simulation of <paramref name="options"/> to <paramref name="otlpTracesUrl"/>; what it planted.</summary>
    public static async Task<SimulationReport> SendAsync(Uri otlpTracesUrl, SimulationOptions options)
    {
        var simulator = new ClusterSimulator(options);
        var sent = await SimulationSender.SendAsync(simulator,
            new SimulationSendOptions { Endpoint = otlpTracesUrl, Protocol = BenchProtocol.Http }, CancellationToken.None);
        Assert.True(sent is { FailedBatches: 0, FailedSpans: 0, RejectedSpans: 0 },
            $"simulated traffic ({options.Scenarios}) was refused or lost on the way: {sent}");
        return simulator.Report;
    }
}
