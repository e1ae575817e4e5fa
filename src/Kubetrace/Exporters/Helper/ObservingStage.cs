using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Counts what the rest of the chain finally did with each batch (sent or failed, after all retries) and logs
/// each failure once, with its reason. Sitting outside the retry stage is what makes it "once per batch".
/// </summary>
internal sealed class ObservingStage(ITraceConsumer next, ExporterMetrics metrics, ILogger logger, bool queued)
    : ITraceConsumer
{
    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        try
        {
            await next.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch (ConsumerException error)
        {
            metrics.SendFailed.Add(batch.SpanCount);
            // Behind a queue nobody else holds the batch any more: it is gone. Without a queue the caller gets the
            // error and may retry, so it is a rejection rather than a loss.
            logger.LogError("Exporting failed. {Outcome} {Spans} spans of exporter {Exporter}: {Reason}",
                queued ? "Dropped" : "Rejected", batch.SpanCount, metrics.Label.Value, error.Message);
            throw;
        }
        metrics.Sent.Add(batch.SpanCount);
    }
}
