using System.Globalization;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Cli;

/// <summary>
/// How far sending simulated traffic has got, as <c>simulate</c> and the demo's backfill show it
/// (<see cref="LiveProgress"/>): the share of the simulated window sent, the spans sent and the simulated time
/// reached. Short enough that a plain line (<c>backfill: 45% after 12s, ...</c>) fits 80 columns.
/// </summary>
internal static class SimulationProgress
{
    public static ProgressReading Reading(SimulationSendProgress progress, ClusterSimulator simulator)
    {
        var reached = progress.Reached ?? simulator.Start;
        var failed = progress.FailedBatches;
        var text = failed > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{progress.Spans:N0} spans sent, {failed:N0} exports failed, up to {reached.UtcDateTime:HH:mm:ss}Z")
            : string.Create(CultureInfo.InvariantCulture, $"{progress.Spans:N0} spans sent, simulated up to {reached.UtcDateTime:HH:mm:ss}Z");
        return new ProgressReading((reached - simulator.Start) / (simulator.End - simulator.Start), text);
    }
}
