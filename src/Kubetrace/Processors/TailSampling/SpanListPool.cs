namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The lists that hold a pending trace's span records, reused from one trace to the next.
/// </summary>
/// <remarks>
/// Why: a trace's list lives for decision_wait, so a new one per trace survived two collections and was copied
/// twice (gen0 → gen1 → gen2) before it died in gen2, where only full collections free it: at 25,000 traces/s that
/// is ≈ 20 MB/s of 80-byte records promoted, and the spans of a trace are decided (and their list freed) long
/// after it was filled. Reused lists stay in gen2 and are not moved. Bounded like the arena: enough empty lists for
/// the next tick's traces (a tick frees a tick's worth at once), not the high-water mark of a burst; lists grown
/// past <see cref="MaxPooledCapacity"/> by a large trace are left to the collector.
/// Not thread-safe: the processor calls it under its lock.
/// </remarks>
internal sealed class SpanListPool
{
    public const int MaxPooledCapacity = 256;
    private readonly Stack<List<BufferedSpan>> _free = new();

    /// <summary>A trace's list after its spans were taken (detached, decided or evicted): nothing is ever added to it.</summary>
    public static List<BufferedSpan> None { get; } = [];

    public List<BufferedSpan> Rent(int capacity)
    {
        if (!_free.TryPop(out var list)) return new List<BufferedSpan>(capacity);
        list.EnsureCapacity(capacity);
        return list;
    }

    /// <summary>Takes an emptied trace's list back, up to <paramref name="bound"/> lists (the caller's traces in flight).</summary>
    public void Return(List<BufferedSpan> list, int bound)
    {
        if (ReferenceEquals(list, None)) return;
        list.Clear(); // its records reference groups and slabs: cleared, or the pool would keep them alive
        if (list.Capacity <= MaxPooledCapacity && _free.Count < bound) _free.Push(list);
    }
}
