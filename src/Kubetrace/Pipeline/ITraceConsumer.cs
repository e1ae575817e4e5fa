namespace Kubetrace.Pipeline;

/// <summary>
/// The one contract between pipeline stages (receiver → processors → fan-out → exporters).
/// </summary>
/// <remarks>
/// Completing without an exception means the consumer has taken responsibility for the batch (queued it durably
/// enough for its guarantees, or delivered it). Failure is reported with <see cref="ConsumerException"/>, whose
/// <see cref="ConsumerException.Kind"/> tells the receiver which OTLP status to answer with. The batch must not be
/// modified (see <see cref="TraceBatch"/>).
/// </remarks>
public interface ITraceConsumer
{
    ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken);
}
