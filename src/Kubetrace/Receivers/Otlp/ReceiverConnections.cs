using Kubetrace.Components;

namespace Kubetrace.Receivers.Otlp;

/// <summary><c>max_concurrent_connections</c> of both protocols: its default and its check.</summary>
internal static class ReceiverConnections
{
    /// <summary>Room for a gateway's agents (one long-lived connection each) while still bounding what clients can open.</summary>
    public const int DefaultMax = 4096;

    public static ConfigProblem? CheckMax(int value) => value < 1
        ? new ConfigProblem("max_concurrent_connections", $"max_concurrent_connections must be at least 1 (got {value})")
        : null;
}
