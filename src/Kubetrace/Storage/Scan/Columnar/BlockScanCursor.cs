using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A block in trace ID order (its trace table is sorted by ID). Decides from the trace table alone whenever it
/// can (trace start inside the range, or the trace's spans all outside it; services from the footer's service
/// sets), and decodes a row group only when a trace in it is delivered or needs its rows checked, once.
/// </summary>
internal sealed class BlockScanCursor : IScanCursor
{
    private readonly BlockFooter _footer;
    private readonly TraceTable _traces;
    private readonly ScanDictionary _dictionary;
    private readonly RowGroupPipeline _groups;
    private readonly QualifyingServiceSets _services;
    private int _trace = -1;
    private int _group = -1;

    /// <param name="probing">Only <see cref="Seek"/> or <see cref="MoveTo"/> is used, for a few traces: never decode row groups ahead.</param>
    public BlockScanCursor(BlockReader block, SpanScanRequest request, bool probing = false)
    {
        _footer = block.Footer;
        _traces = _footer.Traces;
        var dictionaries = _footer.Dictionaries;
        _dictionary = new ScanDictionary(dictionaries, request, dictionaries.Strings.Count, dictionaries.Resources.Count);
        var shapeSlots = _footer.Shapes.Select(shape => shape.Select(_dictionary.SlotOf).Where(s => s >= 0).ToArray()).ToArray();
        _services = new QualifyingServiceSets(_footer, request.Services);
        // Decode the next group the scan will read ahead on another core, skipping the groups it will not.
        var readAhead = probing ? null : RowGroupsToRead.Of(block, request.Range, _services);
        _groups = new RowGroupPipeline(block, _dictionary.KeyIds, shapeSlots, readAhead);
    }

    public UInt128 Current => _traces.Ids[_trace];

    public bool MoveNext()
    {
        if (++_trace >= _traces.Count) return false;
        var groups = _footer.RowGroups;
        while (_group + 1 < groups.Length && groups[_group + 1].FirstTrace <= _trace) _group++;
        return true;
    }

    public bool Seek(UInt128 traceId)
    {
        var trace = _traces.Find(traceId);
        if (trace < 0) return false;
        MoveTo(trace);
        return true;
    }

    /// <summary>Makes the trace at this ordinal of the block's trace table the current one.</summary>
    public void MoveTo(int trace)
    {
        _trace = trace;
        _group = BlockReader.GroupOf(_footer, trace);
    }

    /// <summary>The current trace's ordinal in the block's trace table.</summary>
    public int Ordinal => _trace;

    public ulong EarliestStart => _traces.Starts[_trace];

    public bool HasSpanStartingIn(TimeRange range)
    {
        var start = (long)_traces.Starts[_trace];
        if (range.Contains(start)) return true;
        // Every span of the trace here starts within [trace start, trace end].
        if (start >= range.EndUnixNano || (long)_traces.Ends[_trace] < range.StartUnixNano) return false;
        if (!_groups.Load(_group)) return false;
        var (first, end) = RowsOfTrace();
        for (var row = first; row < end; row++)
            if (range.Contains((long)_groups.Rows.Starts[row])) return true;
        return false;
    }

    public bool HasRequestedService() => _services.HasTrace(_trace);

    public void AddSpans(TraceBuffer buffer)
    {
        if (!_groups.Load(_group)) return;
        var (first, end) = RowsOfTrace();
        var rows = _groups.Rows;
        var strings = _dictionary.Strings;
        var keyCount = _dictionary.KeyCount;
        for (var row = first; row < end; row++)
        {
            var span = buffer.Add();
            var resource = rows.Resources[row];
            span.SpanId = rows.SpanIds[row];
            span.ParentSpanId = rows.Parents[row];
            span.Service = _dictionary.Service(resource);
            span.Name = strings[rows.Names[row]];
            var kindStatus = rows.KindStatus[row];
            span.Kind = (Otlp.Proto.Trace.Span.Types.SpanKind)(kindStatus & 0xF);
            span.StatusCode = kindStatus >> 4;
            var message = rows.StatusMessages[row];
            span.StatusMessage = message == 0 ? null : strings[message];
            span.StartUnixNano = (long)rows.Starts[row];
            span.EndUnixNano = (long)rows.Ends[row];
            if (keyCount > 0) FillValues(span.Values, rows.Values.AsSpan(row * keyCount, keyCount), resource, rows.Uuids);
            var (offset, length) = rows.Extras[row];
            if (length > 0) buffer.SetExtras(span, rows.ExtraBytes.AsSpan(offset, length));
        }
    }

    /// <summary>
    /// The resource's values first (what a span without the attribute shows), then the span's own over them: most
    /// of the requested keys are absent from any one span (an analysis asks for every source form of a key), so
    /// one block copy and a few writes instead of a lookup per key.
    /// </summary>
    private void FillValues(string?[] values, ReadOnlySpan<int> ids, int resource, UInt128[] uuids)
    {
        _dictionary.ResourceValues(resource).AsSpan().CopyTo(values);
        // values is a string?[] of exactly ids.Length (TraceBuffer): writing through a reference skips the
        // covariant array store check an indexed store of a reference pays.
        ref var first = ref MemoryMarshal.GetArrayDataReference(values);
        for (var slot = 0; slot < ids.Length; slot++)
        {
            var id = ids[slot];
            if (id != ScannedRowGroup.Absent) Unsafe.Add(ref first, slot) = _dictionary.ValueText(id, uuids);
        }
    }

    private (int First, int End) RowsOfTrace()
    {
        var first = _traces.FirstRows[_trace] - _footer.RowGroups[_group].FirstRow;
        return (first, first + _traces.SpanCounts[_trace]);
    }
}
