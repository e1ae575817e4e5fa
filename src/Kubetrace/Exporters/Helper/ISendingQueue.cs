using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>The <c>sending_queue</c> at the head of an exporter's chain: in memory (<see cref="QueueStage"/>) or
/// persistent (<see cref="PersistentQueueStage"/>, with <c>storage:</c>).</summary>
internal interface ISendingQueue : ITraceConsumer
{
    void Start();

    Task ShutdownAsync(CancellationToken cancellationToken);
}
