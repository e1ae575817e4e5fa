using Kubetrace.Bench.Measurement;

namespace Kubetrace.Bench;

/// <summary>What a run measured over its window (after warm-up), plus totals over the whole run.</summary>
internal sealed record BenchResult
{
    public required string CommandLine { get; init; }
    public required string Endpoint { get; init; }
    public required string Protocol { get; init; }
    public required int Connections { get; init; }
    public required int Concurrency { get; init; }
    public required int SpansPerRequest { get; init; }
    public required int AttributesPerSpan { get; init; }
    public required bool Gzip { get; init; }
    public double? TargetSpansPerSecond { get; init; }
    public required long AverageRequestBytes { get; init; }

    public required double MeasuredSeconds { get; init; }
    public required long Requests { get; init; }
    public required double RequestsPerSecond { get; init; }
    public required long AcceptedSpans { get; init; }
    public required double AcceptedSpansPerSecond { get; init; }
    /// <summary>Spans the server refused through partial success (in requests it otherwise accepted).</summary>
    public required long RejectedSpans { get; init; }
    public required long FailedRequests { get; init; }
    /// <summary>Failed requests by label (<c>grpc UNAVAILABLE</c>, <c>http 429</c>, <c>transport ...</c>).</summary>
    public required IReadOnlyDictionary<string, long> Errors { get; init; }
    /// <summary>An example message for each error label.</summary>
    public required IReadOnlyDictionary<string, string> ErrorExamples { get; init; }
    /// <summary>Uncompressed protobuf bytes per second sent in the window.</summary>
    public required double MebibytesPerSecond { get; init; }
    public required double LatencyP50Ms { get; init; }
    public required double LatencyP99Ms { get; init; }
    public required double LatencyMaxMs { get; init; }

    public ResourceUsage? Resources { get; init; }

    /// <summary>
    /// Accepted spans per second of server CPU time: the server's efficiency, comparable across runs even when
    /// other processes take part of the machine. Null without <c>--server-pid</c>.
    /// </summary>
    public double? SpansPerServerCoreSecond =>
        Resources?.ServerCpuCores is > 0 and var cores ? AcceptedSpansPerSecond / cores : null;

    /// <summary>Counted over the whole run, warm-up and the tail included: what the server received in all.</summary>
    public required RunTotals Totals { get; init; }
}

/// <param name="Requests">Requests sent and answered (or failed).</param>
/// <param name="SucceededRequests">Requests answered with success.</param>
/// <param name="Spans">Spans in all requests sent.</param>
/// <param name="Bytes">Uncompressed protobuf bytes in all requests sent.</param>
internal sealed record RunTotals(long Requests, long SucceededRequests, long Spans, long Bytes);
