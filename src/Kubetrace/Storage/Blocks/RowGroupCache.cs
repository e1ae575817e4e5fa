using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Decoded row groups recently read, shared by all blocks and bounded by a total span count: repeated reads of
/// hot traces (a UI opening a trace, a search re-checking candidates) do not decompress again.
/// </summary>
internal sealed class RowGroupCache(int maxSpans)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(BlockReader, int), LinkedListNode<(BlockReader Block, int Group, SpanTable Table)>> _entries = new();
    private readonly LinkedList<(BlockReader Block, int Group, SpanTable Table)> _lru = new();
    private int _spans;

    public SpanTable GetOrAdd(BlockReader block, int group, Func<SpanTable> load)
    {
        lock (_gate)
        {
            if (_entries.TryGetValue((block, group), out var node))
            {
                _lru.Remove(node);
                _lru.AddFirst(node);
                return node.Value.Table;
            }
        }
        var table = load();
        lock (_gate)
        {
            if (_entries.ContainsKey((block, group))) return table;
            _entries[(block, group)] = _lru.AddFirst((block, group, table));
            _spans += table.Count;
            while (_spans > maxSpans && _lru.Last is { } last && last != _lru.First)
            {
                _lru.RemoveLast();
                _entries.Remove((last.Value.Block, last.Value.Group));
                _spans -= last.Value.Table.Count;
            }
        }
        return table;
    }

    /// <summary>Drops every cached row group (memory pressure); true if any was cached.</summary>
    public bool Clear()
    {
        lock (_gate)
        {
            var held = _entries.Count > 0;
            _entries.Clear();
            _lru.Clear();
            _spans = 0;
            return held;
        }
    }

    public void Evict(BlockReader block)
    {
        lock (_gate)
        {
            foreach (var node in _entries.Where(e => e.Key.Item1 == block).ToList())
            {
                _lru.Remove(node.Value);
                _entries.Remove(node.Key);
                _spans -= node.Value.Value.Table.Count;
            }
        }
    }
}
