namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The <c>decision_cache</c>: trace IDs decided earlier, remembered after their trace left memory so that late
/// spans follow the decision. Bounded; the oldest entry goes first. A size of 0 remembers nothing.
/// </summary>
internal sealed class DecisionCache(int capacity)
{
    private readonly Dictionary<TraceKey, TraceDecision> _entries = new(Math.Min(capacity, 1 << 16));
    private readonly Queue<TraceKey> _order = new();

    public bool TryGet(TraceKey key, out TraceDecision decision) => _entries.TryGetValue(key, out decision!);

    public void Add(TraceKey key, TraceDecision decision)
    {
        if (capacity == 0 || !_entries.TryAdd(key, decision)) return;
        _order.Enqueue(key);
        if (_order.Count > capacity) _entries.Remove(_order.Dequeue());
    }
}
