using System.Threading.Channels;
using Kubetrace.Components;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.Batch;

/// <summary>
/// The <c>batch</c> processor: gathers spans and sends them on in batches of <c>send_batch_size</c> (at most
/// <c>send_batch_max_size</c>), or whatever is pending after <c>timeout</c>.
/// </summary>
/// <remarks>
/// As in the Collector, a batch is acknowledged to the caller once it is queued here; the memory limiter in front
/// protects memory, and the exporters behind have their own queues and retries, so a failure of the next consumer
/// is counted and logged, not reported back. One background loop does all the sending. The input queue is
/// bounded: while the next consumer is slow, the loop stops taking input and callers wait (back-pressure), so
/// at most <see cref="InputCapacity"/> inputs plus one batch per shard are held. The timeout runs on the component's
/// clock (<see cref="ComponentSettings.Clock"/>), so that a test moves it instead of waiting.
/// </remarks>
public sealed class BatchProcessor : IProcessor
{
    private readonly BatchConfig _config;
    private readonly ITraceConsumer _next;
    private readonly ILogger _logger;
    private readonly BatchShards _shards;
    private readonly BatchMetrics _metrics;
    private readonly Channel<(BatchShard Shard, TraceBatch Batch)> _input;
    private readonly List<BatchShard> _waiting = []; // shards with pending spans; touched by the loop only
    private readonly CancellationTokenSource _abort = new(); // cancels sends when shutdown runs out of time
    private readonly SendFailureLog _failures;
    private readonly Lock _startGate = new();
    private readonly TimeProvider _clock;
    private CancellationTokenSource _deadlineTimer;
    private long _nextDeadline = long.MaxValue; // earliest shard deadline, or earlier (then the check finds nothing)
    private Task? _loop;

    public BatchProcessor(ComponentSettings settings, BatchConfig config, ITraceConsumer next)
    {
        _config = config;
        _next = next;
        _clock = settings.Clock;
        _deadlineTimer = NewDeadlineTimer();
        _logger = settings.CreateLogger();
        _failures = new SendFailureLog(_logger, _clock);
        // Under multitenancy a batch never mixes tenants: the tenant is always one of the keys that separate batches.
        var keys = settings.MultitenancyEnabled && !config.MetadataKeys.Contains(Tenants.MetadataKey, StringComparer.OrdinalIgnoreCase)
            ? [.. config.MetadataKeys, Tenants.MetadataKey] : config.MetadataKeys;
        _shards = new BatchShards(keys, config.MetadataCardinalityLimit);
        _metrics = new BatchMetrics(settings, () => _shards.Count);
        _input = Channel.CreateBounded<(BatchShard, TraceBatch)>(new BoundedChannelOptions(InputCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Inputs queued ahead of the loop before callers wait; a few per core keeps the loop busy.</summary>
    internal static int InputCapacity { get; } = Math.Max(8, 4 * Environment.ProcessorCount);

    public Task StartAsync(CancellationToken cancellationToken)
    {
        EnsureLoop();
        return Task.CompletedTask;
    }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (batch.SpanCount == 0) return ValueTask.CompletedTask;
        var shard = _shards.Find(batch);
        if (shard is null)
        {
            _metrics.Spans.Refused.Add(batch.SpanCount);
            return ValueTask.FromException(ConsumerException.Permanent("too many batcher metadata-value combinations"));
        }
        if (_input.Writer.TryWrite((shard, batch)))
        {
            _metrics.Spans.Accepted.Add(batch.SpanCount);
            return ValueTask.CompletedTask;
        }
        return WaitToEnqueueAsync(shard, batch, cancellationToken);
    }

    private async ValueTask WaitToEnqueueAsync(BatchShard shard, TraceBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await _input.Writer.WriteAsync((shard, batch), cancellationToken);
            _metrics.Spans.Accepted.Add(batch.SpanCount);
        }
        catch (ChannelClosedException)
        {
            _metrics.Spans.Refused.Add(batch.SpanCount);
            throw ConsumerException.Unavailable("the batch processor is not accepting data (shutting down or stopped)");
        }
    }

    /// <summary>Stops taking input and sends everything pending; idempotent.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _input.Writer.TryComplete();
        var loop = EnsureLoop(); // never started: run it now, just to flush what was accepted
        try
        {
            await loop.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Out of time: abort the sends in progress; what they held is counted as dropped by the loop.
            await _abort.CancelAsync();
            _logger.LogWarning("Shutdown of the batch processor ran out of time; pending spans are being dropped");
        }
    }

    private Task EnsureLoop()
    {
        lock (_startGate)
        {
            return _loop ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        try
        {
            await BatchUntilCompletedAsync();
        }
        catch (Exception e)
        {
            // A bug must not leave callers waiting forever on a full queue: refuse from now on (retryable).
            _input.Writer.TryComplete(e);
            _logger.LogCritical(e, "The batch processor stopped; new data is refused");
        }
    }

    private async Task BatchUntilCompletedAsync()
    {
        var reader = _input.Reader;
        while (true)
        {
            while (reader.TryRead(out var item))
            {
                await AddAsync(item.Shard, item.Batch);
                // Under sustained input the queue may never run dry: timeouts must not wait for a quiet moment.
                if (_clock.GetTimestamp() >= _nextDeadline) await SendExpiredAsync();
            }

            var outcome = await WaitForInputAsync(_nextDeadline);
            if (outcome == WaitOutcome.InputCompleted) break;
            if (outcome == WaitOutcome.DeadlinePassed) await SendExpiredAsync();
        }

        foreach (var shard in _waiting)
            while (shard.SpanCount > 0) await SendNextAsync(shard);
        _waiting.Clear();
        _failures.Flush();
    }

    private async ValueTask AddAsync(BatchShard shard, TraceBatch batch)
    {
        if (shard.SpanCount == 0)
        {
            shard.Deadline = _clock.GetTimestamp() + TimeoutTicks;
            _waiting.Add(shard);
            _nextDeadline = Math.Min(_nextDeadline, shard.Deadline);
        }
        shard.Add(batch);

        // The Collector's rule: without a timeout everything goes at once; otherwise full batches go now.
        var sent = false;
        while (shard.SpanCount > 0 && (_config.Timeout == TimeSpan.Zero || shard.SpanCount >= _config.SendBatchSize))
        {
            _metrics.SizeTriggered.Add(1);
            await SendNextAsync(shard);
            sent = true;
        }
        if (!sent) return;
        if (shard.SpanCount == 0) _waiting.Remove(shard);
        else shard.Deadline = _clock.GetTimestamp() + TimeoutTicks;
    }

    private async ValueTask SendExpiredAsync()
    {
        var now = _clock.GetTimestamp();
        for (var i = _waiting.Count - 1; i >= 0; i--)
        {
            var shard = _waiting[i];
            if (shard.Deadline > now) continue;
            _waiting.RemoveAt(i);
            _metrics.TimeoutTriggered.Add(1);
            while (shard.SpanCount > 0) await SendNextAsync(shard);
        }
        _nextDeadline = long.MaxValue;
        foreach (var shard in _waiting) _nextDeadline = Math.Min(_nextDeadline, shard.Deadline);
    }

    /// <summary>Sends the shard's oldest spans, up to send_batch_max_size.</summary>
    private async ValueTask SendNextAsync(BatchShard shard)
    {
        TraceBatch batch;
        try
        {
            batch = shard.Take(_config.SendBatchMaxSize);
        }
        catch (Exception e)
        {
            // A part that cannot be decoded to be split: the loop must live on, so the shard's spans are lost.
            var lost = shard.Clear();
            _metrics.Spans.Dropped.Add(lost);
            _failures.Record(lost, e);
            return;
        }
        await SendAsync(batch);
    }

    private async ValueTask SendAsync(TraceBatch batch)
    {
        _metrics.SendSize.Record(batch.SpanCount);
        try
        {
            await _next.ConsumeAsync(batch, _abort.Token);
        }
        catch (Exception e)
        {
            // Already acknowledged to the caller: count and log (throttled), as the Collector does.
            _metrics.Spans.Dropped.Add(batch.SpanCount);
            _failures.Record(batch.SpanCount, e);
        }
    }

    // Clamped so that an absurd timeout (years) cannot overflow a timestamp into the past.
    private long TimeoutTicks => (long)Math.Min(_config.Timeout.TotalSeconds * _clock.TimestampFrequency, long.MaxValue / 4);

    // Its timer is the clock's, and so is every CancelAfter on it.
    private CancellationTokenSource NewDeadlineTimer() => new(Timeout.InfiniteTimeSpan, _clock);

    // CancelAfter takes at most ~49 days; longer waits simply wake up once a day and wait again.
    private static readonly TimeSpan LongestWait = TimeSpan.FromDays(1);

    private enum WaitOutcome
    {
        InputAvailable,
        DeadlinePassed,
        InputCompleted,
    }

    private async ValueTask<WaitOutcome> WaitForInputAsync(long deadline)
    {
        var reader = _input.Reader;
        if (deadline == long.MaxValue)
            return await reader.WaitToReadAsync() ? WaitOutcome.InputAvailable : WaitOutcome.InputCompleted;

        var remaining = _clock.GetElapsedTime(_clock.GetTimestamp(), deadline);
        if (remaining <= TimeSpan.Zero) return WaitOutcome.DeadlinePassed;

        // One timer source reused across waits: this runs for every input when traffic is light.
        if (!_deadlineTimer.TryReset())
        {
            _deadlineTimer.Dispose();
            _deadlineTimer = NewDeadlineTimer();
        }
        _deadlineTimer.CancelAfter(remaining < LongestWait ? remaining : LongestWait);
        try
        {
            return await reader.WaitToReadAsync(_deadlineTimer.Token) ? WaitOutcome.InputAvailable : WaitOutcome.InputCompleted;
        }
        catch (OperationCanceledException)
        {
            return WaitOutcome.DeadlinePassed;
        }
    }
}
