using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A head (live or frozen) in trace ID order: the head keeps traces in arrival order, so the cursor sorts the
/// IDs of the traces published when it was made, then reads each trace's rows through the head's row chains.
/// Rows published later are not seen (the scan is a snapshot).
/// </summary>
internal sealed class HeadScanCursor : IScanCursor
{
    private readonly HeadBlock _head;
    private readonly SpanTable _table;
    private readonly int _published;
    private readonly (UInt128 Id, int Ordinal)[] _traces;
    private readonly ScanDictionary _dictionary;
    private readonly int[] _slotStamps;
    private int _stamp;
    private int _position = -1;

    public HeadScanCursor(HeadBlock head, SpanScanRequest request)
    {
        _head = head;
        _table = head.Table;
        _published = _table.Count; // first: everything a published row refers to exists by now
        var traceCount = head.TraceCount;
        var traces = new List<(UInt128, int)>(traceCount);
        for (var ordinal = 0; ordinal < traceCount; ordinal++)
        {
            var first = head.FirstRowOfTrace(ordinal);
            if (first < _published) traces.Add((_table.TraceIds.Items[first], ordinal));
        }
        _traces = [.. traces];
        Array.Sort(_traces, (a, b) => a.Item1.CompareTo(b.Item1));
        var dictionaries = _table.Dictionaries;
        _dictionary = new ScanDictionary(dictionaries, request, dictionaries.Strings.Count, dictionaries.Resources.Count);
        _slotStamps = new int[request.AttributeKeys.Count];
    }

    public UInt128 Current => _traces[_position].Id;

    public bool MoveNext() => ++_position < _traces.Length;

    private int FirstRow => _head.FirstRowOfTrace(_traces[_position].Ordinal);

    private int NextRow(int row)
    {
        var next = _head.NextRowInTrace(row);
        return next < _published ? next : -1;
    }

    public bool Seek(UInt128 traceId)
    {
        int lo = 0, hi = _traces.Length - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var id = _traces[mid].Id;
            if (id == traceId)
            {
                _position = mid;
                return true;
            }
            if (id < traceId) lo = mid + 1;
            else hi = mid - 1;
        }
        return false;
    }

    public ulong EarliestStart
    {
        get
        {
            var starts = _table.Starts.Items;
            var earliest = ulong.MaxValue;
            for (var row = FirstRow; row >= 0; row = NextRow(row)) earliest = Math.Min(earliest, starts[row]);
            return earliest;
        }
    }

    public bool HasSpanStartingIn(TimeRange range)
    {
        var starts = _table.Starts.Items;
        for (var row = FirstRow; row >= 0; row = NextRow(row))
            if (range.Contains((long)starts[row])) return true;
        return false;
    }

    public bool HasRequestedService()
    {
        var resources = _table.Resources.Items;
        for (var row = FirstRow; row >= 0; row = NextRow(row))
            if (_dictionary.IsRequestedService(resources[row])) return true;
        return false;
    }

    public void AddSpans(TraceBuffer buffer)
    {
        var t = _table;
        for (var row = FirstRow; row >= 0; row = NextRow(row))
        {
            var span = buffer.Add();
            var resource = t.Resources.Items[row];
            span.SpanId = t.SpanIds.Items[row];
            span.ParentSpanId = t.ParentSpanIds.Items[row];
            span.Service = _dictionary.Service(resource);
            span.Name = t.Dictionaries.Strings[t.Names.Items[row]];
            var kindStatus = t.KindStatus.Items[row];
            span.Kind = (Otlp.Proto.Trace.Span.Types.SpanKind)(kindStatus & 0xF);
            span.StatusCode = kindStatus >> 4;
            var message = t.StatusMessages.Items[row];
            span.StatusMessage = message == 0 ? null : t.Dictionaries.Strings[message];
            span.StartUnixNano = (long)t.Starts.Items[row];
            span.EndUnixNano = (long)t.Ends.Items[row];
            FillValues(span.Values, row, resource);
            var extra = t.Extra.Items[row];
            if (extra >= 0) buffer.SetExtras(span, t.ExtraData.Items[extra].Span);
        }
    }

    /// <summary>
    /// The resource's values first (what a span without the attribute shows), then the span's own attributes over
    /// them, the first of a repeated key winning: one block copy and a write per requested attribute the span has,
    /// instead of a pass over every requested key.
    /// </summary>
    private void FillValues(string?[] values, int row, int resource)
    {
        if (values.Length == 0) return;
        _dictionary.ResourceValues(resource).AsSpan().CopyTo(values);
        var (start, end) = _table.AttrRange(row);
        var keys = _table.AttrKeys.Items;
        var ids = _table.AttrValues.Items;
        // A slot the span itself has already set (a repeated key) carries this row's stamp.
        var stamp = ++_stamp;
        for (var i = start; i < end; i++)
        {
            var slot = _dictionary.SlotOf(keys[i]);
            if (slot < 0 || _slotStamps[slot] == stamp) continue;
            _slotStamps[slot] = stamp;
            values[slot] = _dictionary.ValueText(ids[i], _table.Uuids.Items);
        }
    }
}
