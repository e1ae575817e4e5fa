using System.Diagnostics;
using Kubetrace.Bench.Measurement;
using Kubetrace.Bench.Transport;
using Kubetrace.Bench.Workload;

namespace Kubetrace.Bench;

/// <summary>
/// Runs the load: <c>connections × concurrency</c> workers, each sending its own pre-encoded requests (fresh IDs
/// per send) one after another over its connection; a warm-up, then a measured window in which the resources of
/// the generator, the server and the machine are measured too.
/// </summary>
internal sealed class LoadGenerator(BenchOptions options)
{
    private long _windowStart = long.MaxValue;
    private long _windowEnd = long.MaxValue;
    private long _completedSpans;

    /// <param name="progress">Receives a line per second while the run goes on; null for none.</param>
    /// <param name="cancellationToken">Ends the run early (the window measured so far is reported).</param>
    public async Task<BenchResult> RunAsync(string commandLine, TextWriter? progress, CancellationToken cancellationToken)
    {
        var pool = new RequestPool(options.DistinctRequests, options.SpansPerRequest, options.AttributesPerSpan, options.Seed);
        var senders = Enumerable.Range(0, options.Connections).Select(_ => CreateSender()).ToArray();
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var pacer = options.SpansPerSecond is { } rate ? new RatePacer(rate / options.SpansPerRequest) : null;
            var runSeed = (ulong)Random.Shared.NextInt64();
            var workers = Enumerable.Range(0, options.Workers)
                .Select(i => new Worker(i, senders[i % senders.Length], pool.CopiesFor(i, BodiesPerWorker(pool)), pacer, runSeed))
                .ToArray();
            var running = workers.Select(w => Task.Run(() => w.RunAsync(this, stop.Token))).ToArray();

            var usage = await MeasureWindowAsync(progress, cancellationToken);
            await stop.CancelAsync();
            await Task.WhenAll(running);

            return Summarize(commandLine, pool, workers, usage);
        }
        finally
        {
            foreach (var sender in senders) sender.Dispose();
        }
    }

    /// <summary>Waits out the warm-up, then measures the window; returns null when cancelled before it started.</summary>
    private async Task<ResourceUsage?> MeasureWindowAsync(TextWriter? progress, CancellationToken cancellationToken)
    {
        using var reporter = progress is null ? null : new ProgressReporter(progress, () => Volatile.Read(ref _completedSpans));
        try
        {
            reporter?.SetPhase("warm-up");
            await Task.Delay(options.Warmup, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }

        await using var monitor = new ResourceMonitor(options.ServerPid);
        Volatile.Write(ref _windowStart, Stopwatch.GetTimestamp());
        reporter?.SetPhase("measure");
        try
        {
            await Task.Delay(options.Duration, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Report the part of the window measured so far.
        }
        Volatile.Write(ref _windowEnd, Stopwatch.GetTimestamp());
        return await monitor.StopAsync();
    }

    private IOtlpSender CreateSender() => options.Protocol switch
    {
        BenchProtocol.Grpc => new GrpcOtlpSender(options.TargetUri, options.Gzip, options.RequestTimeout, options.CreateHandler(), options.BearerToken),
        _ => new HttpOtlpSender(options.TargetUri, options.Gzip, options.Concurrency, options.RequestTimeout, options.CreateHandler(), options.BearerToken),
    };

    /// <summary>Enough private bodies per worker to use every template, within about 64 MiB over all workers.</summary>
    private int BodiesPerWorker(RequestPool pool)
    {
        var perWorker = (pool.Count + options.Workers - 1) / options.Workers;
        var affordable = (int)Math.Max(1, 64L * 1024 * 1024 / Math.Max(1, pool.AverageBytes * options.Workers));
        return Math.Clamp(perWorker, 1, Math.Min(4, affordable));
    }

    private BenchResult Summarize(string commandLine, RequestPool pool, Worker[] workers, ResourceUsage? usage)
    {
        var window = new SendStats();
        var total = new SendStats();
        foreach (var worker in workers)
        {
            window.Add(worker.Window);
            total.Add(worker.Total);
        }
        var seconds = usage is null ? 0 : (double)(_windowEnd - _windowStart) / Stopwatch.Frequency;
        double PerSecond(long value) => seconds > 0 ? value / seconds : 0;
        return new BenchResult
        {
            CommandLine = commandLine,
            Endpoint = options.TargetUri.ToString(),
            Protocol = options.Protocol.ToString().ToLowerInvariant(),
            Connections = options.Connections,
            Concurrency = options.Concurrency,
            SpansPerRequest = options.SpansPerRequest,
            AttributesPerSpan = options.AttributesPerSpan,
            Gzip = options.Gzip,
            TargetSpansPerSecond = options.SpansPerSecond,
            AverageRequestBytes = pool.AverageBytes,
            MeasuredSeconds = seconds,
            Requests = window.Requests,
            RequestsPerSecond = PerSecond(window.Requests),
            AcceptedSpans = window.AcceptedSpans,
            AcceptedSpansPerSecond = PerSecond(window.AcceptedSpans),
            RejectedSpans = window.RejectedSpans,
            FailedRequests = window.Requests - window.SucceededRequests,
            Errors = window.Errors,
            ErrorExamples = window.ErrorExamples,
            MebibytesPerSecond = PerSecond(window.Bytes) / (1024 * 1024),
            LatencyP50Ms = window.Latency.PercentileMicros(0.50) / 1000,
            LatencyP99Ms = window.Latency.PercentileMicros(0.99) / 1000,
            LatencyMaxMs = window.Latency.MaxMicros / 1000.0,
            Resources = usage,
            Totals = new RunTotals(total.Requests, total.SucceededRequests, total.Spans, total.Bytes),
        };
    }

    /// <summary>One request in flight at a time, over its sender, with its own bodies and statistics.</summary>
    private sealed class Worker(int index, IOtlpSender sender, RequestBody[] bodies, RatePacer? pacer, ulong runSeed)
    {
        public SendStats Window { get; } = new();

        public SendStats Total { get; } = new();

        public async Task RunAsync(LoadGenerator generator, CancellationToken stop)
        {
            for (ulong sequence = 0; !stop.IsCancellationRequested; sequence++)
            {
                if (pacer is not null && !await pacer.WaitTurnAsync(stop)) break;
                var body = bodies[sequence % (ulong)bodies.Length];
                body.Refresh(Salt(sequence), UnixNanos.Now());
                var started = Stopwatch.GetTimestamp();
                // In-flight sends are not cancelled at the end of the run: they complete (or time out) and count
                // in the totals, so the totals match what the server received.
                var outcome = await sender.SendAsync(body, CancellationToken.None);
                var finished = Stopwatch.GetTimestamp();
                var micros = (finished - started) * 1_000_000 / Stopwatch.Frequency;
                Total.Record(outcome, body.SpanCount, body.Bytes.Length, micros);
                if (finished >= Volatile.Read(ref generator._windowStart) && finished <= Volatile.Read(ref generator._windowEnd))
                    Window.Record(outcome, body.SpanCount, body.Bytes.Length, micros);
                Interlocked.Add(ref generator._completedSpans, body.SpanCount);
            }
        }

        /// <summary>A salt no other send of this run uses (SplitMix64 is a bijection of a unique input).</summary>
        private ulong Salt(ulong sequence)
        {
            var z = runSeed + ((ulong)index << 40) + sequence + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
