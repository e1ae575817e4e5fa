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
    private readonly GrowList<int> _traceFirstRow;
    private readonly GrowList<int> _traceLastRow;
    private readonly GrowList<int> _nextRowInTrace;
    private readonly GrowList<int> _traceOfRow;
    private readonly GrowList<ulong> _traceStart;
    private WireSpanAppender? _appender;

    /// <param name="capacity">Rows to allocate up front: a head sized for its cut threshold never copies its
    /// columns (each doubling of a large column is a large-object-heap allocation, and those drive gen2 GCs).</param>
    /// <param name="createdAt">When the head was started, by the store's clock (its age decides the time cut);
    /// now by the system clock when not given.</param>
    /// <param name="dictionaries">Dictionaries shared with other heads (a merge writes one block from many small
    /// heads); new ones when not given.</param>
    public HeadBlock(long firstSegment, int capacity = 4096, DateTimeOffset? createdAt = null, Dictionaries? dictionaries = null)
    {
        Table = new SpanTable(dictionaries ?? new Dictionaries(), capacity);
        _nextRowInTrace = new(capacity);
        _traceOfRow = new(capacity);
        _traceFirstRow = new(capacity / 4);
        _traceLastRow = new(capacity / 4);
        _traceStart = new(capacity / 4);
        FirstSegment = firstSegment;
        LastSegment = firstSegment;
        CreatedAt = createdAt ?? DateTimeOffset.UtcNow;
    }

    public SpanTable Table { get; }

    /// <summary>Which rows link to which traces (the reverse link lookup).</summary>
    public HeadLinks Links { get; } = new();

    /// <summary>The WAL segments whose batches this head holds (inclusive).</summary>
    public long FirstSegment { get; }
    public long LastSegment { get; set; }

    public DateTimeOffset CreatedAt { get; }
    public int SpanCount => Table.Count;

    /// <summary>OTLP protobuf bytes appended so far: what the byte cut (<see cref="StoreOptions.MaxHeadBytes"/>)
    /// counts, as Tempo's <c>max_block_bytes</c> counts a head block's encoded bytes (written by the writer only).</summary>
    public long AppendedBytes { get; private set; }
    public int TraceCount => _traceFirstRow.Count;
    public ulong MinStart { get; private set; } = ulong.MaxValue;
    public ulong MaxEnd { get; private set; }

    /// <summary>Appends every span of an OTLP ExportTraceServiceRequest given as protobuf bytes (writer only).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid request; spans before the damage stay.</exception>
    public void Append(ReadOnlySpan<byte> request)
    {
        _appender ??= new WireSpanAppender(Table, BeforePublish);
        var first = Table.Count;
        AppendedBytes += request.Length;
        try
        {
            _appender.AppendRequest(request);
        }
        finally
        {
            // After the rows are published: a reader may see a row a moment before its links, never a link to a
            // row it cannot read. Also after damage: the rows before it stay, so do their links.
            Links.Index(Table, first, Table.Count);
        }
    }

    /// <summary>Links a row into its trace before the row is published (readers stop at published rows).</summary>
    private void BeforePublish(UInt128 traceId, int row, ulong start, ulong end)
    {
        _nextRowInTrace.Add(-1);
        var ordinal = LinkIntoTrace(traceId, row);
        _traceOfRow.Add(ordinal);
        _traceStart[ordinal] = Math.Min(_traceStart[ordinal], start);
        MinStart = Math.Min(MinStart, start);
        MaxEnd = Math.Max(MaxEnd, end);
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
