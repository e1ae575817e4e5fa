using Kubetrace.Pipeline;
using Kubetrace.Service;

namespace Kubetrace.Tests.Service;

/// <summary>How a fan-out combines its consumers' failures into the one answer the receiver gives the client.</summary>
public class FanOutConsumerTests
{
    private sealed class Consumer(Exception? failure) : ITraceConsumer
    {
        public int Calls { get; private set; }

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
        {
            Calls++;
            return failure is null ? ValueTask.CompletedTask : ValueTask.FromException(failure);
        }
    }

    [Fact]
    public async Task Retryable_wins_over_permanent_so_the_client_retries_and_the_longest_retry_after_is_kept()
    {
        var ok = new Consumer(null);
        var fanOut = FanOutConsumer.Over(
        [
            ("exporter a", new Consumer(ConsumerException.Permanent("bad data"))),
            ("exporter b", new Consumer(ConsumerException.ResourceExhausted("queue full", TimeSpan.FromSeconds(5)))),
            ("exporter c", new Consumer(ConsumerException.Unavailable("down", TimeSpan.FromSeconds(1)))),
            ("exporter d", ok),
        ]);

        var error = await Assert.ThrowsAsync<ConsumerException>(() => fanOut.ConsumeAsync(ServiceTestHost.EmptyBatch(), default).AsTask());

        Assert.Equal(1, ok.Calls);
        Assert.Equal(ConsumerErrorKind.ResourceExhausted, error.Kind);
        Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
        Assert.Equal("exporter a: bad data; exporter b: queue full; exporter c: down", error.Message);
    }

    [Fact]
    public async Task Only_permanent_failures_give_a_permanent_error()
    {
        var fanOut = FanOutConsumer.Over(
        [
            ("exporter a", new Consumer(ConsumerException.Permanent("bad data"))),
            ("exporter b", new Consumer(null)),
        ]);

        var error = await Assert.ThrowsAsync<ConsumerException>(() => fanOut.ConsumeAsync(ServiceTestHost.EmptyBatch(), default).AsTask());

        Assert.Equal(ConsumerErrorKind.Permanent, error.Kind);
        Assert.Null(error.RetryAfter);
    }

    [Fact]
    public async Task An_unexpected_exception_counts_as_transient()
    {
        var fanOut = FanOutConsumer.Over(
        [
            ("exporter a", new Consumer(new InvalidOperationException("bug"))),
            ("exporter b", new Consumer(null)),
        ]);

        var error = await Assert.ThrowsAsync<ConsumerException>(() => fanOut.ConsumeAsync(ServiceTestHost.EmptyBatch(), default).AsTask());

        Assert.Equal(ConsumerErrorKind.Unavailable, error.Kind);
    }

    [Fact]
    public void A_single_consumer_is_used_directly()
    {
        var only = new Consumer(null);

        Assert.Same(only, FanOutConsumer.Over([("exporter a", only)]));
    }
}
