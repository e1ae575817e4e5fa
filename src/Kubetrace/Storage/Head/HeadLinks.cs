using System.Runtime.InteropServices;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;

namespace Kubetrace.Storage.Head;

/// <summary>
/// The head's reverse link map: linked (target) trace ID → the rows whose spans link to it, kept up to date as
/// rows are appended. Only spans with a stored partial span (links, events, trace state) are read, so a batch
/// without links costs one comparison per span. One writer; readers look up concurrently.
/// </summary>
internal sealed class HeadLinks
{
    private readonly Dictionary<UInt128, int> _lastEntry = [];
    private readonly Lock _gate = new();
    // Entries are chained newest → oldest per target; an entry never changes once added.
    private readonly GrowList<UInt128> _targets = new(64);
    private readonly GrowList<int> _rows = new(64);
    private readonly GrowList<int> _previous = new(64);
    private readonly List<ScannedLink> _links = [];

    /// <summary>Links indexed so far.</summary>
    public int Count => _rows.Count;

    /// <summary>Indexes the links of rows [<paramref name="from"/>, <paramref name="to"/>) of the table (writer only).</summary>
    public void Index(SpanTable table, int from, int to)
    {
        var extras = table.Extra.Items;
        for (var row = from; row < to; row++)
        {
            var extra = extras[row];
            if (extra < 0) continue;
            LinkReader.Read(table.ExtraData.Items[extra].Span, _links);
            foreach (var link in _links) Add(link.TraceId.Value, row);
        }
    }

    private void Add(UInt128 target, int row)
    {
        lock (_gate)
        {
            ref var last = ref CollectionsMarshal.GetValueRefOrAddDefault(_lastEntry, target, out var exists);
            _previous.Add(exists ? last : -1);
            _targets.Add(target);
            _rows.Add(row);
            last = _rows.Count - 1;
        }
    }

    /// <summary>Rows whose spans link to <paramref name="target"/>, newest first (a row twice if it links twice).</summary>
    public void RowsLinkingTo(UInt128 target, List<int> rows)
    {
        int entry;
        lock (_gate)
        {
            if (!_lastEntry.TryGetValue(target, out entry)) return;
        }
        var rowItems = _rows.Items;
        var previous = _previous.Items;
        for (; entry >= 0; entry = previous[entry]) rows.Add(rowItems[entry]);
    }

    /// <summary>Every (target, row) in append order (for the block writer, after the head is frozen).</summary>
    public IEnumerable<(UInt128 Target, int Row)> All()
    {
        var count = _rows.Count;
        for (var i = 0; i < count; i++) yield return (_targets.Items[i], _rows.Items[i]);
    }
}
