using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Processors;

/// <summary>
/// The next stage of a processor under test: records what reaches it, and can be told to hold every call
/// (a slow exporter) or to fail (a dead one).
/// </summary>
internal sealed class RecordingConsumer : ITraceConsumer
{
    private readonly List<TraceBatch> _received = [];
    private TaskCompletionSource _gate = CompletedGate();

    public Exception? FailWith { get; set; }

    public IReadOnlyList<TraceBatch> Received
    {
        get { lock (_received) return _received.ToList(); }
    }

    public IReadOnlyList<int> SpanCounts => Received.Select(b => b.SpanCount).ToList();

    /// <summary>From now on every call waits until <see cref="Release"/>.</summary>
    public void Hold() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Release() => _gate.TrySetResult();

    public async ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken)
    {
        var failure = FailWith; // read before signalling, so that a test may change it once a batch arrived
        lock (_received) _received.Add(batch);
        await _gate.Task.WaitAsync(cancellationToken);
        if (failure is not null) throw failure;
    }

    /// <summary>Waits until <paramref name="count"/> batches have arrived in total (since creation).</summary>
    public Task WaitForBatchesAsync(int count) =>
        Wait.UntilAsync(() => { lock (_received) return _received.Count >= count; }, $"{count} batches reached the next consumer");

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}
