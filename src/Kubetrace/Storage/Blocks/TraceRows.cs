using Kubetrace.Storage.Head;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The rows of one trace of a frozen head as the block writer needs them: sorted by start, each with the index of
/// its parent among them. Buffers are reused from trace to trace; traces are small (about ten spans), so a
/// stable insertion sort and a linear parent search beat a comparison delegate and a dictionary per trace.
/// </summary>
internal sealed class TraceRows
{
    /// <summary>Parent index of a root span (no parent ID).</summary>
    public const int Root = -1;

    /// <summary>Parent index of a span whose parent is not among the trace's rows in this head.</summary>
    public const int External = -2;

    /// <summary>Above this many rows the parent search uses a dictionary.</summary>
    private const int LinearSearchLimit = 32;

    private int[] _rows = new int[64];
    private ulong[] _starts = new ulong[64];
    private int[] _parents = new int[64];
    private readonly Dictionary<ulong, int> _indexOfSpan = new();
    private int _count;

    public ReadOnlySpan<int> Rows => _rows.AsSpan(0, _count);

    /// <summary>Per row: index of the parent row (first row with that span ID), <see cref="Root"/> or <see cref="External"/>.</summary>
    public ReadOnlySpan<int> Parents => _parents.AsSpan(0, _count);

    public void Load(HeadBlock head, int traceOrdinal)
    {
        var table = head.Table;
        var startsColumn = table.Starts.Items;
        _count = 0;
        for (var row = head.FirstRowOfTrace(traceOrdinal); row >= 0; row = head.NextRowInTrace(row))
        {
            if (_count == _rows.Length) Grow();
            _rows[_count] = row;
            _starts[_count] = startsColumn[row];
            _count++;
        }
        SortByStart();
        FindParents(table.SpanIds.Items, table.ParentSpanIds.Items);
    }

    private void SortByStart()
    {
        if (_count > LinearSearchLimit)
        {
            Array.Sort(_starts, _rows, 0, _count);
            return;
        }
        for (var i = 1; i < _count; i++)
        {
            var start = _starts[i];
            var row = _rows[i];
            var j = i - 1;
            while (j >= 0 && _starts[j] > start)
            {
                _starts[j + 1] = _starts[j];
                _rows[j + 1] = _rows[j];
                j--;
            }
            _starts[j + 1] = start;
            _rows[j + 1] = row;
        }
    }

    private void FindParents(ulong[] spanIds, ulong[] parentIds)
    {
        if (_count > LinearSearchLimit)
        {
            _indexOfSpan.Clear();
            for (var i = 0; i < _count; i++) _indexOfSpan.TryAdd(spanIds[_rows[i]], i);
        }
        for (var i = 0; i < _count; i++)
        {
            var parent = parentIds[_rows[i]];
            if (parent == 0)
            {
                _parents[i] = Root;
                continue;
            }
            var found = External;
            if (_count > LinearSearchLimit)
            {
                if (_indexOfSpan.TryGetValue(parent, out var index)) found = index;
            }
            else
            {
                for (var j = 0; j < _count; j++)
                {
                    if (spanIds[_rows[j]] != parent) continue;
                    found = j;
                    break;
                }
            }
            _parents[i] = found;
        }
    }

    private void Grow()
    {
        Array.Resize(ref _rows, _rows.Length * 2);
        Array.Resize(ref _starts, _starts.Length * 2);
        Array.Resize(ref _parents, _parents.Length * 2);
    }
}
