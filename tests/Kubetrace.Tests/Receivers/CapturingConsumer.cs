using System.Collections.Concurrent;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Receivers;

/// <summary>The pipeline seen from a receiver: records every batch, or refuses with a chosen error.</summary>
internal sealed class CapturingConsumer : ITraceConsumer
{
    public ConcurrentQueue<TraceBatch> Batches { get; } = new();

    /// <summary>When set, every batch is refused with this error instead of recorded.</summary>
    public ConsumerException? RefuseWith { get; set; }

    /// <summary>When set, a batch for which it returns an error is refused with it (others are recorded).</summary>
    public Func<TraceBatch, ConsumerException?>? RefuseWhen { get; set; }

    /// <summary>When set, consuming waits for it (to hold requests in flight).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public int SpanCount => Batches.Sum(b => b.SpanCount);

    /// <summary>Batches currently held at the <see cref="Gate"/>.</summary>
    public int Waiting => _waiting;

    private int _waiting;

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        if (Gate is { } gate)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }
        if (RefuseWith is { } error) throw error;
        if (RefuseWhen?.Invoke(batch) is { } selected) throw selected;
        Batches.Enqueue(batch);
    }
}
