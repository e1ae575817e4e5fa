using System.Globalization;
using System.Threading.Channels;
using Kubetrace.Components;
using Kubetrace.Extensions.FileStorage;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// The <c>sending_queue</c> with <c>storage:</c> — the Collector's persistent queue. A batch is acknowledged once it
/// is written to the storage extension (one entry per batch, key <c>{sequence}-{spans}</c>); workers send it on and
/// delete it once the destination took it. A retryable failure keeps it and tries again later, with back-off, for
/// as long as it takes; only a permanent refusal drops it. At start, entries left by an earlier run (a crash, a
/// shutdown before the destination came back) are sent first. So nothing acknowledged is lost while the
/// destination is down, and a full queue refuses new data retryably (back-pressure to the client).
/// A crash between the destination's answer and the delete sends that batch again (at least once).
/// </summary>
internal sealed class PersistentQueueStage : ISendingQueue
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ITraceConsumer _next;
    private readonly QueueConfig _config;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Func<IStorageClient> _open;
    private readonly QueueCapacity _capacity;
    private readonly Channel<Entry> _channel = Channel.CreateUnbounded<Entry>();
    private readonly CancellationTokenSource _stopping = new();
    private IStorageClient? _storage;
    private Task[] _workers = [];
    private long _sequence;
    private volatile bool _closing;
    private volatile bool _fullReported;

    private sealed record Entry(string Key, int Spans, TraceBatch? Batch);

    public PersistentQueueStage(ITraceConsumer next, QueueConfig config, ExporterMetrics metrics, ILogger logger, Func<IStorageClient> open)
    {
        _next = next;
        _config = config;
        _metrics = metrics;
        _logger = logger;
        _open = open;
        _capacity = new QueueCapacity(config.QueueSize);
        metrics.Registry.Gauge("otelcol_exporter_queue_size", "Current size of the retry queue (in batches or spans).",
            () => _capacity.Used, metrics.Label);
        metrics.Registry.Gauge("otelcol_exporter_queue_capacity", "Fixed capacity of the retry queue (in batches or spans).",
            () => _capacity.Capacity, metrics.Label);
    }

    /// <summary>Opens the storage (the extension has started by now), queues what an earlier run left, starts the workers.</summary>
    public void Start()
    {
        if (_storage is not null) return;
        _storage = _open();
        var left = 0L;
        foreach (var key in _storage.Keys())
        {
            if (!TryParseKey(key, out var sequence, out var spans)) continue;
            _sequence = Math.Max(_sequence, sequence);
            _capacity.ForceReserve(WeightOf(spans)); // queued whatever the capacity: it was acknowledged
            _channel.Writer.TryWrite(new Entry(key, spans, null));
            left += spans;
        }
        if (left > 0) _logger.LogInformation("Persistent queue of exporter {Exporter}: {Spans} spans left by an earlier run, sending them first",
            _metrics.Label.Value, left);
        _workers = new Task[_config.NumConsumers];
        for (var i = 0; i < _workers.Length; i++) _workers[i] = Task.Run(DrainAsync);
    }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (_closing || _storage is null) return ValueTask.FromException(Refuse(batch, "exporter is shutting down", ConsumerErrorKind.Unavailable));
        var weight = WeightOf(batch.SpanCount);
        if (!_capacity.TryReserve(weight))
        {
            if (!_config.Blocking) return ValueTask.FromException(Refuse(batch, "sending queue is full"));
            return ReserveThenStoreAsync(batch, weight, cancellationToken);
        }
        return Store(batch, weight);
    }

    private async ValueTask ReserveThenStoreAsync(TraceBatch batch, long weight, CancellationToken cancellationToken)
    {
        try
        {
            await _capacity.ReserveAsync(weight, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw Refuse(batch, "sending queue is full and the caller gave up waiting");
        }
        await Store(batch, weight).ConfigureAwait(false);
    }

    /// <summary>Writes the batch to storage: once this returns, it is acknowledged.</summary>
    private ValueTask Store(TraceBatch batch, long weight)
    {
        var key = string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Increment(ref _sequence):D20}-{batch.SpanCount}");
        try
        {
            _storage!.Set(key, Join(batch));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _capacity.Release(weight);
            return ValueTask.FromException(Refuse(batch, $"the persistent queue cannot write: {e.Message}", ConsumerErrorKind.Unavailable));
        }
        if (_fullReported) _fullReported = false;
        _channel.Writer.TryWrite(new Entry(key, batch.SpanCount, batch));
        return ValueTask.CompletedTask;
    }

    private static byte[] Join(TraceBatch batch)
    {
        var segments = batch.EncodedSegments;
        if (segments.Count == 1) return segments[0].ToArray();
        var bytes = new byte[batch.EncodedSize];
        var offset = 0;
        foreach (var segment in segments)
        {
            segment.Span.CopyTo(bytes.AsSpan(offset));
            offset += segment.Length;
        }
        return bytes;
    }

    private async Task DrainAsync()
    {
        try
        {
            while (true)
            {
                var entry = await _channel.Reader.ReadAsync(_stopping.Token).ConfigureAwait(false);
                await SendAsync(entry, attempt: 0).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: what is still queued stays in storage for the next start.
        }
    }

    private async Task SendAsync(Entry entry, int attempt)
    {
        while (true)
        {
            var batch = entry.Batch ?? Load(entry);
            if (batch is null) return;
            try
            {
                await _next.ConsumeAsync(batch, _stopping.Token).ConfigureAwait(false);
                Done(entry);
                return;
            }
            catch (ConsumerException e) when (!e.IsRetryable)
            {
                // Counted and logged by the observing stage; the destination will never take it.
                Done(entry);
                return;
            }
            catch (Exception) when (!_stopping.IsCancellationRequested)
            {
                // Retryable (or unexpected): keep it, wait, try again — the destination may be down for long.
                var delay = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, Math.Min(attempt++, 5))));
                await Task.Delay(delay, _stopping.Token).ConfigureAwait(false);
            }
        }
    }

    private TraceBatch? Load(Entry entry)
    {
        var bytes = _storage!.Get(entry.Key);
        if (bytes is not null) return TraceBatch.FromEncoded(bytes, entry.Spans);
        _logger.LogError("Persistent queue entry {Key} of exporter {Exporter} vanished from storage", entry.Key, _metrics.Label.Value);
        _capacity.Release(WeightOf(entry.Spans));
        return null;
    }

    private void Done(Entry entry)
    {
        try
        {
            _storage!.Delete(entry.Key);
        }
        catch (IOException e)
        {
            _logger.LogWarning(e, "Could not delete the sent entry {Key}; it will be sent again at the next start", entry.Key);
        }
        _capacity.Release(WeightOf(entry.Spans));
    }

    /// <summary>Stops accepting, sends what it can until <paramref name="cancellationToken"/> fires; the rest stays stored.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _closing = true;
        if (_storage is null) return;
        try
        {
            while (_capacity.Used > 0) await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_workers).ConfigureAwait(false);
        if (_capacity.Used > 0)
            _logger.LogWarning("Exporter {Exporter} shut down with {Size} ({Sizer}) in its persistent queue; they are sent at the next start",
                _metrics.Label.Value, _capacity.Used, _config.Sizer);
    }

    private ConsumerException Refuse(TraceBatch batch, string reason, ConsumerErrorKind kind = ConsumerErrorKind.ResourceExhausted)
    {
        _metrics.EnqueueFailed.Add(batch.SpanCount);
        if (!_fullReported)
        {
            _fullReported = true;
            _logger.LogWarning("Exporter {Exporter} refuses data: {Reason} (queue_size {Capacity}); the sender is told to retry",
                _metrics.Label.Value, reason, _capacity.Capacity);
        }
        return new ConsumerException(kind, reason);
    }

    private long WeightOf(int spans) => _config.Sizer == QueueSizer.Items ? Math.Max(1, spans) : 1;

    private static bool TryParseKey(string key, out long sequence, out int spans)
    {
        sequence = 0;
        spans = 0;
        var dash = key.IndexOf('-');
        return dash > 0 && long.TryParse(key.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out sequence) &&
            int.TryParse(key.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out spans);
    }
}
