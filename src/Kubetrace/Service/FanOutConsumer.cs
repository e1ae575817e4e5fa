using Kubetrace.Pipeline;

namespace Kubetrace.Service;

/// <summary>
/// Hands the same batch to several consumers (the exporters of a pipeline, or the pipelines fed by one receiver).
/// </summary>
/// <remarks>
/// Sequential on purpose: exporters only enqueue into their own bounded sending_queue, so each call is quick, and
/// a parallel fan-out would cost a task per consumer per batch. Sharing the batch is safe because batches are
/// immutable once handed on (see <see cref="TraceBatch"/>). Every consumer is called even when an earlier one
/// fails; the failures are then combined into one <see cref="ConsumerException"/> so that the receiver answers
/// the client with a retryable status whenever any retry could succeed (duplicates are preferred to losing data,
/// as in the Collector).
/// </remarks>
public sealed class FanOutConsumer : ITraceConsumer
{
    private readonly (string Name, ITraceConsumer Consumer)[] _consumers;

    private FanOutConsumer((string Name, ITraceConsumer Consumer)[] consumers) => _consumers = consumers;

    /// <summary>The single consumer itself when there is one, so a one-exporter pipeline pays nothing.</summary>
    public static ITraceConsumer Over(IReadOnlyList<(string Name, ITraceConsumer Consumer)> consumers) =>
        consumers.Count switch
        {
            0 => throw new ArgumentException("a fan-out needs at least one consumer", nameof(consumers)),
            1 => consumers[0].Consumer,
            _ => new FanOutConsumer([.. consumers]),
        };

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        List<(string Name, Exception Error)>? failures = null;
        foreach (var (name, consumer) in _consumers)
        {
            try
            {
                await consumer.ConsumeAsync(batch, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception error)
            {
                (failures ??= []).Add((name, error));
            }
        }
        if (failures is not null) throw Combine(failures);
    }

    private static ConsumerException Combine(List<(string Name, Exception Error)> failures)
    {
        var message = string.Join("; ", failures.Select(f => $"{f.Name}: {f.Error.Message}"));
        // An exception that is not a ConsumerException is unexpected; like the Collector, treat it as transient.
        var kinds = failures.Select(f => (f.Error as ConsumerException)?.Kind ?? ConsumerErrorKind.Unavailable).ToList();
        var retryAfter = failures.Select(f => (f.Error as ConsumerException)?.RetryAfter).Max();
        var kind = kinds.Contains(ConsumerErrorKind.ResourceExhausted) ? ConsumerErrorKind.ResourceExhausted
            : kinds.Contains(ConsumerErrorKind.Unavailable) ? ConsumerErrorKind.Unavailable
            : ConsumerErrorKind.Permanent;
        return new ConsumerException(kind, message, kind == ConsumerErrorKind.Permanent ? null : retryAfter, failures[0].Error);
    }
}
