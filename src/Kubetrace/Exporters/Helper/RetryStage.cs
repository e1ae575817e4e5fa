using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// <c>retry_on_failure</c>: repeats a retryable failure after an exponentially growing, jittered delay, or after the
/// delay the server asked for (Retry-After / RetryInfo) when that is longer. Permanent errors pass straight through.
/// Gives up when the next attempt would start after <see cref="RetryConfig.MaxElapsedTime"/>.
/// </summary>
internal sealed class RetryStage(ITraceConsumer next, RetryConfig config, TimeProvider time) : ITraceConsumer
{
    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var interval = config.InitialInterval;
        for (var attempt = 1; ; attempt++)
        {
            ConsumerException failure;
            try
            {
                await next.ConsumeAsync(batch, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (ConsumerException error) when (error.IsRetryable)
            {
                failure = error;
            }

            var delay = Jitter(interval);
            if (failure.RetryAfter is { } serverDelay && serverDelay > delay) delay = serverDelay;
            var elapsed = time.GetElapsedTime(started);
            if (config.MaxElapsedTime > TimeSpan.Zero && elapsed + delay > config.MaxElapsedTime)
                throw GiveUp(failure, $"no more retries left after {attempt} attempts in {Format(elapsed)}");
            try
            {
                await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw GiveUp(failure, $"retrying cancelled after {attempt} attempts (shutting down)");
            }
            interval = TimeSpan.FromTicks(Math.Min((long)(interval.Ticks * config.Multiplier), config.MaxInterval.Ticks));
        }
    }

    private TimeSpan Jitter(TimeSpan interval)
    {
        var factor = config.RandomizationFactor;
        var scale = 1 - factor + 2 * factor * Random.Shared.NextDouble();
        return TimeSpan.FromTicks((long)(interval.Ticks * scale));
    }

    // The kind of the last failure is kept: without a queue the caller still learns it may retry later.
    private static ConsumerException GiveUp(ConsumerException last, string why) =>
        new(last.Kind, $"{why}: {last.Message}", last.RetryAfter, last);

    private static string Format(TimeSpan elapsed) =>
        elapsed.TotalSeconds >= 1 ? $"{elapsed.TotalSeconds:0.#}s" : $"{elapsed.TotalMilliseconds:0}ms";
}
