using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors;

/// <summary>
/// Base of every processor that decides about each batch on its own (memory_limiter, and later probabilistic
/// sampling, redaction, attributes, resource, filter, k8sattributes): the processor writes one
/// <see cref="Process"/> method; counting and forwarding are done here, once for all of them.
/// </summary>
/// <remarks>
/// <see cref="Process"/> is synchronous on purpose: it runs on the hot path for every request, and a per-batch
/// decision that needs I/O (an informer cache lookup, say) must read a cache that is filled in the background,
/// never wait on the network. Processors that hold data across batches (batch, tail sampling) have their own
/// lifecycle and implement <see cref="IProcessor"/> directly.
/// </remarks>
public abstract class PerBatchProcessor : IProcessor
{
    private readonly ITraceConsumer _next;
    private readonly ProcessorMetrics _metrics;

    protected PerBatchProcessor(ComponentSettings settings, ITraceConsumer next)
    {
        _next = next;
        _metrics = new ProcessorMetrics(settings);
    }

    /// <summary>
    /// Returns the batch to hand on: the same instance when nothing changes, a new batch (never the input
    /// modified in place, see <see cref="TraceBatch"/>) when something does, or null to drop every span.
    /// Throw <see cref="ConsumerException"/> to refuse the batch (the caller sees the error and may retry).
    /// </summary>
    protected abstract TraceBatch? Process(TraceBatch batch);

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        TraceBatch? output;
        try
        {
            output = Process(batch);
        }
        catch (ConsumerException refusal)
        {
            // Reported through the ValueTask, as an async method would, never thrown from the call itself.
            _metrics.Refused.Add(batch.SpanCount);
            return ValueTask.FromException(refusal);
        }

        _metrics.Accepted.Add(batch.SpanCount);
        var kept = output?.SpanCount ?? 0;
        if (kept < batch.SpanCount) _metrics.Dropped.Add(batch.SpanCount - kept);
        // Nothing left to send is a success for the caller: the spans were dropped by decision, not by failure.
        return output is null || kept == 0 ? ValueTask.CompletedTask : _next.ConsumeAsync(output, cancellationToken);
    }

    public virtual Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public virtual Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
