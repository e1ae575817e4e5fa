using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>An exporter assembled by <see cref="ExporterBuilder"/>: the decorator chain plus the lifecycle that
/// starts the sink before the queue workers and, at shutdown, drains the queue before the sink flushes.</summary>
internal sealed class HelpedExporter(ITraceConsumer chain, ISendingQueue? queue, IExportSink sink) : IExporter
{
    private int _shutdown;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await sink.StartAsync(cancellationToken).ConfigureAwait(false);
        queue?.Start();
    }

    public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        // Refusals travel in the returned task, never as a synchronous throw (the pipeline's convention).
        if (Volatile.Read(ref _shutdown) != 0)
            return ValueTask.FromException(ConsumerException.Unavailable("exporter is shut down"));
        return chain.ConsumeAsync(batch, cancellationToken);
    }

    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0) return;
        if (queue is not null) await queue.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        await sink.ShutdownAsync(cancellationToken).ConfigureAwait(false);
    }
}
