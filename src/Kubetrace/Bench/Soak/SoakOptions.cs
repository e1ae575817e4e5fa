namespace Kubetrace.Bench.Soak;

/// <summary>What <c>kubetrace bench soak</c> runs: real OTLP/gRPC exporters flooding one endpoint for a while.</summary>
internal sealed record SoakOptions
{
    /// <summary>The receiver's OTLP/gRPC host:port.</summary>
    public string Endpoint { get; init; } = "127.0.0.1:4317";

    /// <summary>Kubetrace otlp exporters, each its own connection, with the default retry_on_failure (off with a <see cref="Rate"/>).</summary>
    public int Exporters { get; init; } = 16;

    /// <summary>Batches each exporter has in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    public int SpansPerRequest { get; init; } = 2000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Spans per second offered in all, open loop (batches started at that pace whatever the answers; a
    /// refused batch is counted, not retried; at most <see cref="Exporters"/> × <see cref="Concurrency"/> in flight);
    /// 0: a closed loop as fast as the server acknowledges (a flood, refusals retried).</summary>
    public int Rate { get; init; }

    /// <summary>The server process whose RSS is sampled every second.</summary>
    public int? ServerPid { get; init; }

    /// <summary>The server's query API (e.g. http://127.0.0.1:3200): stored spans are read from /api/v1/stats at the end.</summary>
    public Uri? QueryUrl { get; init; }

    /// <summary>The server's Prometheus metrics URL: refusals are read from it every second.</summary>
    public Uri? MetricsUrl { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Exporters is < 1 or > 256) yield return "--exporters must be between 1 and 256";
        if (Concurrency is < 1 or > 64) yield return "--concurrency must be between 1 and 64";
        if (SpansPerRequest is < 1 or > 100_000) yield return "--spans-per-request must be between 1 and 100000";
        if (Duration <= TimeSpan.Zero) yield return "--duration must be positive";
        if (Rate < 0) yield return "--rate must be 0 (a flood) or a number of spans per second";
        if (ServerPid is { } pid && !Directory.Exists($"/proc/{pid}")) yield return $"--server-pid {pid}: no such process";
    }
}
