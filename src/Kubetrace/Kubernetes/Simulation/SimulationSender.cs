using System.Threading.Channels;
using Google.Protobuf;
using Kubetrace.Bench;
using Kubetrace.Bench.Transport;
using Kubetrace.Bench.Workload;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>How the simulated batches reach the backend.</summary>
internal sealed record SimulationSendOptions
{
    public required Uri Endpoint { get; init; }

    public BenchProtocol Protocol { get; init; } = BenchProtocol.Grpc;

    /// <summary>Send each batch when it is due (its spans have ended by the wall clock); false sends as fast as accepted.</summary>
    public bool RealTime { get; init; }

    /// <summary>Exports in flight at once.</summary>
    public int Concurrency { get; init; } = 4;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Attempts per batch when the backend pushes back (UNAVAILABLE, 429, 503, a dropped connection).</summary>
    public int Attempts { get; init; } = 6;

    /// <summary>The URL requests go to: the endpoint for gRPC, <c>/v1/traces</c> under it for HTTP when it has no path.</summary>
    /// <summary>Counters the sender keeps current for a progress display; null keeps none.</summary>
    public SimulationSendProgress? Progress { get; init; }

    public Uri TargetUri => Protocol == BenchProtocol.Http && Endpoint.AbsolutePath is "" or "/" ? new Uri(Endpoint, "/v1/traces") : Endpoint;
}

/// <summary>
/// How far a send has got, read by a progress display while the sender writes it: plain fields written with
/// Interlocked/Volatile, so reporting costs the sender two writes per batch and no lock.
/// </summary>
public sealed class SimulationSendProgress
{
    private long _spans;
    private long _failedBatches;
    private long _reachedTicks;

    /// <summary>Spans the backend accepted so far.</summary>
    public long Spans => Volatile.Read(ref _spans);

    public long FailedBatches => Volatile.Read(ref _failedBatches);

    /// <summary>The simulated time covered: the due time of the last batch handed to the senders.</summary>
    public DateTimeOffset? Reached => Volatile.Read(ref _reachedTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    internal void Accepted(int spans) => Interlocked.Add(ref _spans, spans);

    internal void Failed() => Interlocked.Increment(ref _failedBatches);

    internal void Queued(DateTimeOffset sendAt) => Volatile.Write(ref _reachedTicks, sendAt.UtcTicks);
}

/// <summary>What reached the backend.</summary>
public sealed record SimulationSendResult(long Batches, long Spans, long RejectedSpans, long FailedBatches, long FailedSpans, string? FirstError, TimeSpan Elapsed);

/// <summary>
/// Sends a simulation's batches over real OTLP with the load generator's transports (one gRPC channel or HTTP client),
/// several exports in flight, retrying with backoff when the backend pushes back, as an SDK exporter would.
/// </summary>
internal static class SimulationSender
{
    public static async Task<SimulationSendResult> SendAsync(ClusterSimulator simulator, SimulationSendOptions options, CancellationToken cancellationToken)
    {
        using IOtlpSender sender = options.Protocol == BenchProtocol.Grpc
            ? new GrpcOtlpSender(options.TargetUri, gzip: false, options.Timeout)
            : new HttpOtlpSender(options.TargetUri, gzip: false, options.Concurrency, options.Timeout);
        var started = DateTimeOffset.UtcNow;
        var queue = Channel.CreateBounded<SimulatedBatch>(new BoundedChannelOptions(options.Concurrency * 2) { SingleWriter = true });
        long batches = 0, spans = 0, rejected = 0, failedBatches = 0, failedSpans = 0;
        string? firstError = null;

        async Task WorkAsync()
        {
            await foreach (var batch in queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                var body = new RequestBody(batch.Request.ToByteArray(), batch.SpanCount);
                var outcome = await SendWithRetriesAsync(sender, body, options.Attempts, cancellationToken).ConfigureAwait(false);
                Interlocked.Increment(ref batches);
                if (outcome.Error is null)
                {
                    Interlocked.Add(ref spans, batch.SpanCount);
                    options.Progress?.Accepted(batch.SpanCount);
                    Interlocked.Add(ref rejected, outcome.RejectedSpans);
                }
                else
                {
                    Interlocked.Increment(ref failedBatches);
                    options.Progress?.Failed();
                    Interlocked.Add(ref failedSpans, batch.SpanCount);
                    Interlocked.CompareExchange(ref firstError, $"{outcome.Error}{(outcome.Detail is null ? "" : ": " + outcome.Detail)}", null);
                }
            }
        }

        var workers = Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkAsync, cancellationToken)).ToArray();
        try
        {
            foreach (var batch in simulator.Batches())
            {
                if (options.RealTime)
                {
                    var wait = batch.SendAt - DateTimeOffset.UtcNow;
                    if (wait > TimeSpan.Zero) await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
                await queue.Writer.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                options.Progress?.Queued(batch.SendAt);
            }
        }
        finally
        {
            queue.Writer.TryComplete();
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        return new SimulationSendResult(batches, spans, rejected, failedBatches, failedSpans, firstError, DateTimeOffset.UtcNow - started);
    }

    private static async Task<SendOutcome> SendWithRetriesAsync(IOtlpSender sender, RequestBody body, int attempts, CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        for (var attempt = 1; ; attempt++)
        {
            var outcome = await sender.SendAsync(body, cancellationToken).ConfigureAwait(false);
            if (outcome.Error is null || attempt >= attempts || !Retryable(outcome.Error)) return outcome;
            await Task.Delay(backoff, cancellationToken).ConfigureAwait(false);
            backoff *= 2;
        }
    }

    /// <summary>The errors an OTLP exporter retries (the OTLP specification's retryable codes, and a lost connection).</summary>
    private static bool Retryable(string error) =>
        error is "grpc UNAVAILABLE" or "grpc RESOURCE_EXHAUSTED" or "grpc ABORTED" or "grpc DEADLINE_EXCEEDED"
            or "http 429" or "http 502" or "http 503" or "http 504" or "http timeout"
        || error.StartsWith("transport ", StringComparison.Ordinal);
}
