using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Bounds one send attempt by <c>timeout</c> and is the single place where whatever a sink throws becomes a
/// <see cref="ConsumerException"/>: a timed-out attempt is retryable (gRPC DEADLINE_EXCEEDED), an unexpected
/// exception is a bug in the sink or in the data and is not retried. With a zero timeout (nop, debug) it only
/// classifies, and costs no timer.
/// </summary>
internal sealed class TimeoutStage(ITraceConsumer next, TimeSpan timeout) : ITraceConsumer
{
    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        using var attempt = timeout > TimeSpan.Zero ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken) : null;
        attempt?.CancelAfter(timeout);
        try
        {
            await next.ConsumeAsync(batch, attempt?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (ConsumerException)
        {
            throw;
        }
        catch (OperationCanceledException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw ConsumerException.Unavailable($"send timed out after {timeout.TotalMilliseconds:0}ms", inner: error);
        }
        catch (OperationCanceledException error)
        {
            throw ConsumerException.Unavailable("send cancelled (shutting down)", inner: error);
        }
        catch (Exception error)
        {
            throw ConsumerException.Permanent($"unexpected {error.GetType().Name}: {error.Message}", error);
        }
    }
}
