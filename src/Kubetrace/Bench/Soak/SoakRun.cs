using System.Diagnostics;
using System.Text.Json;
using Kubetrace.Bench.Measurement;
using Kubetrace.Bench.Workload;
using Kubetrace.Components;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Pipeline;
using Kubetrace.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Bench.Soak;

/// <summary>
/// Floods a receiver through Kubetrace's own otlp exporters (queue off, so a batch counts as acknowledged only when
/// the server said OK), prints the server's RSS and the counts every second, and at the end compares acknowledged
/// spans with the spans the server stored. Without a rate, a closed loop: each of exporters × concurrency workers
/// sends its next batch once the last one was acknowledged, retrying refusals (retry_on_failure as configured by
/// default, honouring RetryInfo). With <see cref="SoakOptions.Rate"/>, an open loop (<see cref="OfferAsync"/>).
/// </summary>
internal sealed class SoakRun(SoakOptions options, TextWriter output)
{
    private long _ackedSpans;
    private long _lostSpans;
    private long _ackedRequests;
    private long _offeredRequests;
    private long _pacingStart;
    private long _refusedSpans;
    private long _notOfferedSpans;
    private int _inFlight;

    public async Task<SoakResult> RunAsync(CancellationToken cancellationToken)
    {
        var pool = new RequestPool(distinctRequests: 16, options.SpansPerRequest, attributesPerSpan: 15);
        var metrics = new MetricsRegistry();
        var exporters = new List<IExporter>();
        for (var i = 0; i < options.Exporters; i++)
        {
            var settings = new ComponentSettings(new ComponentId("otlp", $"soak{i}"), NullLoggerFactory.Instance, metrics, new ServiceStatus());
            var exporter = new OtlpGrpcExporterFactory().Create(settings, new OtlpGrpcExporterConfig
            {
                Endpoint = options.Endpoint, Tls = new ClientTlsConfig { Insecure = true }, Compression = OtlpCompression.Gzip,
                SendingQueue = { Enabled = false },
                // Open loop: a refused batch is counted, not retried (a retrying batch held a slot, and the offer fell).
                RetryOnFailure = { Enabled = options.Rate <= 0 },
            });
            await exporter.StartAsync(cancellationToken);
            exporters.Add(exporter);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(options.Duration);
        var runSeed = (ulong)Random.Shared.NextInt64();
        _pacingStart = Stopwatch.GetTimestamp();
        var workers = options.Rate > 0
            ? [Task.Run(() => OfferAsync(exporters, pool.CopiesFor(0, pool.Count), runSeed, stop.Token))]
            : Enumerable.Range(0, options.Exporters * options.Concurrency)
                .Select(i => Task.Run(() => SendAsync(exporters[i % exporters.Count], pool.CopiesFor(i, 2), (ulong)i, runSeed, stop.Token)))
                .ToArray();

        var samples = new List<SoakSample>();
        var started = Stopwatch.GetTimestamp();
        output.WriteLine("second\trss_mib\tacked_spans\tacked_spans_per_s\trefused_requests\trefused_spans" +
            "\toffered_spans_per_s\tclient_refused_spans_per_s\tnot_offered_spans_per_s");
        long previous = 0, previousOffered = 0, previousRefused = 0, previousNotOffered = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
            var acked = Interlocked.Read(ref _ackedSpans);
            var notOffered = Interlocked.Read(ref _notOfferedSpans);
            var offered = Interlocked.Read(ref _offeredRequests) * options.SpansPerRequest - notOffered;
            var clientRefused = Interlocked.Read(ref _refusedSpans);
            var (refusedRequests, refusedSpans) = await ServerRefusalsAsync();
            var sample = new SoakSample((int)Math.Round(Stopwatch.GetElapsedTime(started).TotalSeconds),
                options.ServerPid is { } pid && ProcFs.Memory(pid) is { } memory ? memory.RssKib / 1024 : 0, acked, acked - previous,
                refusedRequests, refusedSpans, offered - previousOffered, clientRefused - previousRefused, notOffered - previousNotOffered);
            (previous, previousOffered, previousRefused, previousNotOffered) = (acked, offered, clientRefused, notOffered);
            samples.Add(sample);
            output.WriteLine($"{sample.Second}\t{sample.RssMib}\t{sample.AckedSpans}\t{sample.AckedSpansPerSecond}\t{sample.RefusedRequests}\t{sample.RefusedSpans}" +
                $"\t{sample.OfferedSpansPerSecond}\t{sample.ClientRefusedSpansPerSecond}\t{sample.NotOfferedSpansPerSecond}");
        }

        // Batches already handed to an exporter finish (or give up) before the books are closed.
        await Task.WhenAll(workers);
        foreach (var exporter in exporters) await exporter.ShutdownAsync(CancellationToken.None);
        var stored = options.QueryUrl is null ? (long?)null : await StoredSpansAsync(options.QueryUrl, Interlocked.Read(ref _ackedSpans));
        return new SoakResult(samples, Interlocked.Read(ref _ackedRequests), Interlocked.Read(ref _ackedSpans),
            Interlocked.Read(ref _lostSpans), stored, Interlocked.Read(ref _offeredRequests) * options.SpansPerRequest - Interlocked.Read(ref _notOfferedSpans),
            Interlocked.Read(ref _refusedSpans), Interlocked.Read(ref _notOfferedSpans));
    }

    /// <summary>
    /// The open loop of a run with a rate: the n-th batch is offered n × spans per request / rate seconds after the
    /// start whatever became of the earlier ones, each on the next exporter in turn, without waiting for its answer.
    /// A refused batch counts as refused and is not retried, so refusals cannot slow the offer (retries held the
    /// closed loop's slots: at 2R it offered a sixth of what was asked). At most exporters × concurrency batches are in
    /// flight (the client's own memory bound): a batch due while all are counts as not offered, so a client that
    /// cannot keep up says so.
    /// </summary>
    private async Task OfferAsync(List<IExporter> exporters, RequestBody[] bodies, ulong runSeed, CancellationToken stop)
    {
        var cap = options.Exporters * options.Concurrency;
        for (ulong n = 0; await PaceAsync(stop); n++)
        {
            if (Volatile.Read(ref _inFlight) >= cap)
            {
                // Its time slot passes unused (counted in _offeredRequests by the pacing, taken off as not offered).
                Interlocked.Add(ref _notOfferedSpans, options.SpansPerRequest);
                continue;
            }
            // Each batch gets its own copy of the refreshed bytes, so the body is free again at once.
            var body = bodies[n % (ulong)bodies.Length];
            body.Refresh(runSeed ^ (n + 1) * 0x9E3779B97F4A7C15, UnixNanos.Now());
            Interlocked.Increment(ref _inFlight);
            var batch = TraceBatch.FromEncoded(body.Bytes.ToArray(), body.SpanCount);
            var exporter = exporters[(int)(n % (ulong)exporters.Count)];
            // Off the pacing thread: the exporter compresses the batch before its first await.
            _ = Task.Run(() => OfferOnceAsync(exporter, batch), CancellationToken.None);
        }
        while (Volatile.Read(ref _inFlight) > 0) await Task.Delay(10, CancellationToken.None);
    }

    private async Task OfferOnceAsync(IExporter exporter, TraceBatch batch)
    {
        try
        {
            await ExportAsync(exporter, batch);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task SendAsync(IExporter exporter, RequestBody[] bodies, ulong worker, ulong runSeed, CancellationToken stop)
    {
        for (ulong sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            if (!await PaceAsync(stop)) break;
            var body = bodies[sequence % (ulong)bodies.Length];
            body.Refresh(runSeed ^ (worker << 40) ^ sequence, UnixNanos.Now());
            // The exporter keeps the batch while it retries: it gets its own copy of the refreshed bytes.
            await ExportAsync(exporter, TraceBatch.FromEncoded(body.Bytes.ToArray(), body.SpanCount));
        }
    }

    /// <summary>
    /// Exports one batch and books its outcome, the one place both loops count: acknowledged (spans and request), or
    /// an error the exporter gave up on — refused in the open loop (not retried), lost in the closed loop (its
    /// retries ran out).
    /// </summary>
    private async Task ExportAsync(IExporter exporter, TraceBatch batch)
    {
        try
        {
            await exporter.ConsumeAsync(batch, CancellationToken.None);
            Interlocked.Add(ref _ackedSpans, batch.SpanCount);
            Interlocked.Increment(ref _ackedRequests);
        }
        catch (ConsumerException)
        {
            if (options.Rate > 0) Interlocked.Add(ref _refusedSpans, batch.SpanCount);
            else Interlocked.Add(ref _lostSpans, batch.SpanCount);
        }
    }

    /// <summary>
    /// With <see cref="SoakOptions.Rate"/>, waits until the next batch is due: the n-th batch of the run (of any
    /// worker) is due n × spans per request / rate seconds after the start, so the offered rate holds whatever the
    /// answers' latency (while enough workers are free). False when the run ends first.
    /// </summary>
    private async Task<bool> PaceAsync(CancellationToken stop)
    {
        var n = Interlocked.Increment(ref _offeredRequests) - 1;
        if (options.Rate <= 0) return true;
        var due = TimeSpan.FromSeconds((double)n * options.SpansPerRequest / options.Rate) - Stopwatch.GetElapsedTime(_pacingStart);
        if (due <= TimeSpan.Zero) return true;
        try
        {
            await Task.Delay(due, stop);
            return true;
        }
        catch (OperationCanceledException)
        {
            Interlocked.Decrement(ref _offeredRequests); // due after the end: not offered
            return false;
        }
    }

    /// <summary>
    /// What the server refused so far, from its metrics: requests over the in-flight budget, and spans the pipeline
    /// refused (memory_limiter); each refusal is an attempt the exporters retried.
    /// </summary>
    private async Task<(long Requests, long Spans)> ServerRefusalsAsync()
    {
        if (options.MetricsUrl is null) return (0, 0);
        try
        {
            var text = await Http.GetStringAsync(options.MetricsUrl);
            return (Sum(text, "kubetrace_receiver_refused_requests_total{"), Sum(text, "otelcol_receiver_refused_spans_total{"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            // An overloaded server may answer after the client's timeout: unknown this second (-1), not the end of
            // the run. (Thrown out of the command, the TaskCanceledException ended it with exit code 1 and no message:
            // System.CommandLine prints no OperationCanceledException.)
            return (-1, -1);
        }
    }

    private static long Sum(string metrics, string prefix) => metrics.Split('\n')
        .Where(line => line.StartsWith(prefix, StringComparison.Ordinal))
        .Sum(line => (long)double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>
    /// The spans the server stored, once they reach <paramref name="acked"/> or after 10 s: a <c>batch</c> processor
    /// acknowledges a request when it accepts it, as the Collector's does, and hands it to the store up to its
    /// timeout later, so the last requests may not be stored yet when the flood ends.
    /// </summary>
    private static async Task<long> StoredSpansAsync(Uri queryUrl, long acked)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            long stored;
            try
            {
                await using var stream = await Http.GetStreamAsync(new Uri(queryUrl, "/api/v1/stats"));
                using var json = await JsonDocument.ParseAsync(stream);
                stored = json.RootElement.GetProperty("spans").GetInt64();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not an OperationCanceledException out of the command: that would end it with exit code 1, silently.
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(30))
                    throw new InvalidOperationException($"cannot read the stored span count from {queryUrl}: {e.Message}", e);
                await Task.Delay(TimeSpan.FromSeconds(1));
                continue;
            }
            if (stored >= acked || Stopwatch.GetElapsedTime(started) > TimeSpan.FromSeconds(10)) return stored;
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}

/// <param name="RefusedRequests">The server's count so far (its metrics): requests refused at the receiver.</param>
/// <param name="RefusedSpans">The server's count so far: spans the pipeline refused.</param>
/// <param name="ClientRefusedSpansPerSecond">Spans of batches answered with an error this second (open loop: not retried).</param>
/// <param name="NotOfferedSpansPerSecond">Spans due this second that the open loop could not offer: all its batches were in flight.</param>
internal sealed record SoakSample(int Second, long RssMib, long AckedSpans, long AckedSpansPerSecond, long RefusedRequests, long RefusedSpans,
    long OfferedSpansPerSecond = 0, long ClientRefusedSpansPerSecond = 0, long NotOfferedSpansPerSecond = 0);

/// <param name="LostSpans">Closed loop: spans of batches the exporters gave up retrying.</param>
/// <param name="RefusedSpans">Open loop: spans of batches refused (not retried).</param>
/// <param name="NotOfferedSpans">Open loop: spans due while every batch slot was in flight.</param>
internal sealed record SoakResult(IReadOnlyList<SoakSample> Samples, long AckedRequests, long AckedSpans, long LostSpans, long? StoredSpans,
    long OfferedSpans, long RefusedSpans = 0, long NotOfferedSpans = 0);
