using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Head;

/// <summary>
/// The recent spans, in memory and queryable as soon as they are durable in the WAL. One writer (the ingest loop)
/// appends; any number of readers query concurrently. When it is cut, it is frozen and written as a block.
/// </summary>
internal sealed class HeadBlock
{
    private readonly Dictionary<UInt128, int> _traceOrdinals = new();
    private readonly Lock _traceGate = new();
    private readonly GrowList<int> _traceFirstRow = new(1024);
    private readonly GrowList<int> _traceLastRow = new(1024);
    private readonly GrowList<int> _nextRowInTrace = new(4096);
    private readonly GrowList<int> _traceOfRow = new(4096);
    private readonly GrowList<ulong> _traceStart = new(1024);

    public HeadBlock(long firstSegment)
    {
        Table = new SpanTable(new Dictionaries(), 4096);
        FirstSegment = firstSegment;
        LastSegment = firstSegment;
        CreatedAt = DateTime.UtcNow;
    }

    public SpanTable Table { get; }

    /// <summary>The WAL segments whose batches this head holds (inclusive).</summary>
    public long FirstSegment { get; }
    public long LastSegment { get; set; }

    public DateTime CreatedAt { get; }
    public int SpanCount => Table.Count;
    public int TraceCount => _traceFirstRow.Count;
    public ulong MinStart { get; private set; } = ulong.MaxValue;
    public ulong MaxEnd { get; private set; }

    /// <summary>Appends every span of a request (writer only).</summary>
    public void Append(ExportTraceServiceRequest request)
    {
        foreach (var resourceSpans in request.ResourceSpans)
        {
            var resourceId = SpanAppender.InternResource(Table, resourceSpans.Resource, resourceSpans.SchemaUrl);
            foreach (var scopeSpans in resourceSpans.ScopeSpans)
            {
                var scopeId = SpanAppender.InternScope(Table, scopeSpans.Scope, scopeSpans.SchemaUrl);
                foreach (var span in scopeSpans.Spans)
                {
                    // Link the row into its trace before publishing it (Append publishes by bumping Count).
                    var row = Table.Count;
                    _nextRowInTrace.Add(-1);
                    var ordinal = LinkIntoTrace(TraceId.FromByteString(span.TraceId).Value, row);
                    _traceOfRow.Add(ordinal);
                    _traceStart[ordinal] = Math.Min(_traceStart[ordinal], span.StartTimeUnixNano);
                    SpanAppender.Append(Table, resourceId, scopeId, span);
                    MinStart = Math.Min(MinStart, span.StartTimeUnixNano);
                    MaxEnd = Math.Max(MaxEnd, span.EndTimeUnixNano);
                }
            }
        }
    }

    /// <summary>Rows of a trace, in arrival order; empty when the head does not have it.</summary>
    public List<int> RowsOf(UInt128 traceId)
    {
        var rows = new List<int>();
        int ordinal;
        lock (_traceGate)
        {
            if (!_traceOrdinals.TryGetValue(traceId, out ordinal)) return rows;
        }
        var published = Table.Count;
        for (var row = _traceFirstRow.Items[ordinal]; row >= 0 && row < published; row = _nextRowInTrace.Items[row])
            rows.Add(row);
        return rows;
    }

    /// <summary>Rows linked in trace order (for the block writer, after the head is frozen).</summary>
    public int FirstRowOfTrace(int ordinal) => _traceFirstRow.Items[ordinal];

    public int NextRowInTrace(int row) => _nextRowInTrace.Items[row];

    /// <summary>Trace ordinal of a published row.</summary>
    public int TraceOfRow(int row) => _traceOfRow.Items[row];

    /// <summary>Earliest start of a trace's spans in this head.</summary>
    public ulong TraceStart(int ordinal) => _traceStart.Items[ordinal];

    private int LinkIntoTrace(UInt128 traceId, int row)
    {
        int ordinal;
        lock (_traceGate)
        {
            if (!_traceOrdinals.TryGetValue(traceId, out ordinal))
            {
                ordinal = _traceFirstRow.Count;
                _traceFirstRow.Add(row);
                _traceLastRow.Add(row);
                _traceStart.Add(ulong.MaxValue);
                _traceOrdinals.Add(traceId, ordinal);
                return ordinal;
            }
        }
        _nextRowInTrace[_traceLastRow[ordinal]] = row;
        _traceLastRow[ordinal] = row;
        return ordinal;
    }
}
