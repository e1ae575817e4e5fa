namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Counts the room left in the sending queue, in batches or spans, and lets a blocking producer wait for room.
/// </summary>
/// <remarks>
/// A channel alone can only bound the number of entries, and the <c>items</c> sizer bounds spans, so the room is
/// accounted here for both sizers (a batch weighs 1 or its span count) and the channel is merely storage. One
/// batch larger than the whole capacity is admitted when the queue is empty; refusing it would make it unsendable
/// forever, and memory stays bounded by capacity plus one batch.
/// </remarks>
internal sealed class QueueCapacity(long capacity)
{
    private readonly object _gate = new();
    private long _used;
    private TaskCompletionSource? _roomFreed;

    public long Capacity { get; } = capacity;

    public long Used => Interlocked.Read(ref _used);

    public bool TryReserve(long weight)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used > 0 && used + weight > Capacity) return false;
            if (Interlocked.CompareExchange(ref _used, used + weight, used) == used) return true;
        }
    }

    public async ValueTask ReserveAsync(long weight, CancellationToken cancellationToken)
    {
        while (!TryReserve(weight))
        {
            Task roomFreed;
            lock (_gate)
            {
                // Re-check after publishing the waiter: a release between the failed attempt and here would
                // otherwise signal nobody.
                _roomFreed ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                roomFreed = _roomFreed.Task;
                if (TryReserve(weight)) return;
            }
            await roomFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Takes room whatever is left (entries a persistent queue already acknowledged in an earlier run).</summary>
    public void ForceReserve(long weight) => Interlocked.Add(ref _used, weight);

    public void Release(long weight)
    {
        Interlocked.Add(ref _used, -weight);
        if (Volatile.Read(ref _roomFreed) is null) return;
        TaskCompletionSource? waiters;
        lock (_gate)
        {
            waiters = _roomFreed;
            _roomFreed = null;
        }
        waiters?.TrySetResult();
    }
}
