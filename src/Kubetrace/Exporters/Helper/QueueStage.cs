using System.Threading.Channels;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// The <c>sending_queue</c>: accepts batches into a bounded queue and returns at once, while
/// <see cref="QueueConfig.NumConsumers"/> workers hand them to the rest of the chain. A slow or dead destination
/// therefore never blocks the pipeline's other exporters; when the queue is full the producer gets a retryable
/// ResourceExhausted (or waits, with <c>blocking: true</c>), which is how back-pressure reaches the receiver.
/// </summary>
internal sealed class QueueStage : ISendingQueue
{
    private readonly ITraceConsumer _next;
    private readonly QueueConfig _config;
    private readonly ExporterMetrics _metrics;
    private readonly ILogger _logger;
    private readonly QueueCapacity _capacity;
    private readonly Channel<TraceBatch> _channel;
    private readonly CancellationTokenSource _abandon = new();
    private Task[] _workers = [];
    private volatile bool _fullReported;
    private long _droppedAtShutdown;

    public QueueStage(ITraceConsumer next, QueueConfig config, ExporterMetrics metrics, ILogger logger)
    {
        _next = next;
        _config = config;
        _metrics = metrics;
        _logger = logger;
        _capacity = new QueueCapacity(config.QueueSize);
        // The capacity gate admits at most QueueSize entries (each weighs at least 1), so writes never wait here.
        _channel = Channel.CreateBounded<TraceBatch>(new BoundedChannelOptions(config.QueueSize)
        {
            SingleReader = config.NumConsumers == 1,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
        metrics.Registry.Gauge("otelcol_exporter_queue_size", "Current size of the retry queue (in batches or spans).",
            () => _capacity.Used, metrics.Label);
        metrics.Registry.Gauge("otelcol_exporter_queue_capacity", "Fixed capacity of the retry queue (in batches or spans).",
            () => _capacity.Capacity, metrics.Label);
    }

    public long Size => _capacity.Used;

    public void Start()
    {
        if (_workers.Length > 0) return;
        _workers = new Task[_config.NumConsumers];
        for (var i = 0; i < _workers.Length; i++) _workers[i] = Task.Run(DrainAsync);
    }

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var weight = WeightOf(batch);
        if (!_capacity.TryReserve(weight))
        {
            if (!_config.Blocking) throw Refuse(batch, "sending queue is full");
            try
            {
                await _capacity.ReserveAsync(weight, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw Refuse(batch, "sending queue is full and the caller gave up waiting");
            }
        }
        if (_fullReported) _fullReported = false; // read first: no shared write per batch in the common case
        if (!_channel.Writer.TryWrite(batch))
        {
            _capacity.Release(weight);
            throw Refuse(batch, "exporter is shutting down", ConsumerErrorKind.Unavailable);
        }
    }

    /// <summary>Stops accepting, then lets the workers drain what is queued until <paramref name="cancellationToken"/> fires;
    /// whatever is still queued then is dropped, counted and logged.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        if (_workers.Length == 0) Start(); // never started: still deliver what was accepted
        try
        {
            await Task.WhenAll(_workers).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await _abandon.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_workers).ConfigureAwait(false);
        }
        var dropped = Interlocked.Read(ref _droppedAtShutdown);
        if (dropped > 0)
        {
            _metrics.SendFailed.Add(dropped);
            _logger.LogError("Shutdown deadline reached: dropped {Spans} queued spans of exporter {Exporter}",
                dropped, _metrics.Label.Value);
        }
    }

    private async Task DrainAsync()
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var batch))
            {
                _capacity.Release(WeightOf(batch));
                if (_abandon.IsCancellationRequested)
                {
                    Interlocked.Add(ref _droppedAtShutdown, batch.SpanCount);
                    continue;
                }
                try
                {
                    await _next.ConsumeAsync(batch, _abandon.Token).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Already counted and logged by the observing stage; the batch has nowhere else to go.
                }
            }
        }
    }

    private ConsumerException Refuse(TraceBatch batch, string reason,
        ConsumerErrorKind kind = ConsumerErrorKind.ResourceExhausted)
    {
        _metrics.EnqueueFailed.Add(batch.SpanCount);
        if (!_fullReported)
        {
            // Once per episode of refusals, not per batch: a full queue under load would otherwise flood the log.
            _fullReported = true;
            _logger.LogWarning("Exporter {Exporter} refuses data: {Reason} (queue_size {Capacity}); the sender is told to retry",
                _metrics.Label.Value, reason, _capacity.Capacity);
        }
        return new ConsumerException(kind, reason);
    }

    private long WeightOf(TraceBatch batch) => _config.Sizer == QueueSizer.Items ? Math.Max(1, batch.SpanCount) : 1;
}
