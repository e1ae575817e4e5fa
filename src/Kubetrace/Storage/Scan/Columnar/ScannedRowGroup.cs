using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// The columns of one block row group a scan needs, decoded into plain arrays (buffers reused from group to
/// group): ids, times, name, kind/status, status message, resource, the extras (for links) and, per requested
/// attribute key, the value id of each row. Scopes, flags and the value columns of other keys are never
/// decompressed.
/// </summary>
internal sealed class ScannedRowGroup
{
    /// <summary>Value id meaning "this row has no such span attribute".</summary>
    public const int Absent = int.MinValue;

    private static readonly int[] FixedColumns =
    [
        RowGroupColumns.SpanIds, RowGroupColumns.ParentCodes, RowGroupColumns.ExternalParents,
        RowGroupColumns.StartDeltas, RowGroupColumns.Durations, RowGroupColumns.Names, RowGroupColumns.KindStatus,
        RowGroupColumns.StatusMessages, RowGroupColumns.Resources, RowGroupColumns.Shapes, RowGroupColumns.Extras,
    ];

    private readonly int _keyCount;
    private readonly byte[][] _raw;
    private readonly ColumnCursor[] _columns;
    private readonly ColumnCursor[] _valueCodes;
    private readonly ColumnCursor[] _uuidColumns;
    private byte[] _compressed = [];
    private UInt128[] _uuids = [];
    private int[] _parentCodes = [];

    public ScannedRowGroup(int keyCount)
    {
        _keyCount = keyCount;
        _raw = new byte[RowGroupColumns.FixedCount + 2 * keyCount][];
        Array.Fill(_raw, []);
        _columns = new ColumnCursor[RowGroupColumns.FixedCount];
        _valueCodes = new ColumnCursor[keyCount];
        _uuidColumns = new ColumnCursor[keyCount];
    }

    public int RowCount { get; private set; }
    public ulong[] SpanIds { get; private set; } = [];
    public ulong[] Parents { get; private set; } = [];
    public ulong[] Starts { get; private set; } = [];
    public ulong[] Ends { get; private set; } = [];
    public int[] Names { get; private set; } = [];
    public byte[] KindStatus { get; private set; } = [];
    public int[] StatusMessages { get; private set; } = [];
    public int[] Resources { get; private set; } = [];
    public (int Offset, int Length)[] Extras { get; private set; } = [];

    /// <summary>The extras column (offsets in <see cref="Extras"/> point into it).</summary>
    public byte[] ExtraBytes => _raw[RowGroupColumns.Extras];

    /// <summary>Per row and requested key (<c>row * keyCount + slot</c>): value id, <c>~uuid</c>, or <see cref="Absent"/>.</summary>
    public int[] Values { get; private set; } = [];

    public UInt128[] Uuids => _uuids;

    /// <summary>Reads and decodes a row group of <paramref name="block"/>.</summary>
    /// <param name="shapeSlots">Per shape id, the request slots of its attribute keys, in the shape's order
    /// (-1 for keys not asked for: their value columns are not read, and so not consumed).</param>
    public void Decode(BlockReader block, int group, int[] keyIds, int[][] shapeSlots)
    {
        var footer = block.Footer;
        var info = footer.RowGroups[group];
        var length = checked((int)info.Length);
        if (_compressed.Length < length) _compressed = new byte[Math.Max(length, _compressed.Length * 2)];
        block.ReadRowGroup(group, _compressed.AsSpan(0, length));

        var offsets = new int[info.CompressedLengths.Length + 1];
        for (var i = 0; i < info.CompressedLengths.Length; i++) offsets[i + 1] = offsets[i] + info.CompressedLengths[i];
        foreach (var column in FixedColumns) Decompress(info, offsets, column, column, ref _columns[column]);
        for (var slot = 0; slot < _keyCount; slot++)
        {
            var k = keyIds[slot] < 0 ? -1 : Array.IndexOf(info.AttributeKeys, keyIds[slot]);
            if (k < 0)
            {
                _valueCodes[slot].Reset([], 0);
                _uuidColumns[slot].Reset([], 0);
                continue;
            }
            Decompress(info, offsets, RowGroupColumns.ValueCodes(k), RowGroupColumns.FixedCount + 2 * slot, ref _valueCodes[slot]);
            Decompress(info, offsets, RowGroupColumns.Uuids(k), RowGroupColumns.FixedCount + 2 * slot + 1, ref _uuidColumns[slot]);
        }
        Grow(info.RowCount);
        DecodeRows(footer, info, shapeSlots);
    }

    private void Decompress(RowGroupInfo info, int[] offsets, int column, int buffer, ref ColumnCursor cursor)
    {
        var raw = info.RawLengths[column];
        if (_raw[buffer].Length < raw) _raw[buffer] = new byte[Math.Max(raw, _raw[buffer].Length * 2)];
        if (raw > 0) Codec.DecompressInto(_compressed.AsSpan(offsets[column], info.CompressedLengths[column]), _raw[buffer].AsSpan(0, raw));
        cursor.Reset(_raw[buffer], raw);
    }

    private void Grow(int rows)
    {
        RowCount = rows;
        if (SpanIds.Length >= rows) return;
        var size = Math.Max(rows, SpanIds.Length * 2);
        SpanIds = new ulong[size];
        Parents = new ulong[size];
        Starts = new ulong[size];
        Ends = new ulong[size];
        Names = new int[size];
        KindStatus = new byte[size];
        StatusMessages = new int[size];
        Resources = new int[size];
        Extras = new (int, int)[size];
        _parentCodes = new int[size];
        Values = new int[size * _keyCount];
    }

    private void DecodeRows(BlockFooter footer, RowGroupInfo info, int[][] shapeSlots)
    {
        var traces = footer.Traces;
        var c = _columns;
        var values = Values;
        var uuidCount = 0;
        var row = 0;
        for (var trace = info.FirstTrace; trace < info.FirstTrace + info.TraceCount; trace++)
        {
            var traceStart = traces.Starts[trace];
            var firstRow = row;
            var end = row + traces.SpanCounts[trace];
            if (end > info.RowCount) throw new InvalidDataException("row group holds fewer rows than its traces");
            for (; row < end; row++)
            {
                SpanIds[row] = c[RowGroupColumns.SpanIds].ReadFixed64();
                var parentCode = c[RowGroupColumns.ParentCodes].ReadInt();
                _parentCodes[row] = parentCode;
                Parents[row] = parentCode == 1 ? c[RowGroupColumns.ExternalParents].ReadFixed64() : 0;
                var start = traceStart + c[RowGroupColumns.StartDeltas].ReadVarint();
                Starts[row] = start;
                Ends[row] = start + c[RowGroupColumns.Durations].ReadVarint();
                Names[row] = c[RowGroupColumns.Names].ReadInt();
                KindStatus[row] = c[RowGroupColumns.KindStatus].ReadByte();
                StatusMessages[row] = c[RowGroupColumns.StatusMessages].ReadInt();
                Resources[row] = c[RowGroupColumns.Resources].ReadInt();
                var extra = c[RowGroupColumns.Extras].ReadBytesRange();
                Extras[row] = extra;
                var shape = c[RowGroupColumns.Shapes].ReadInt();
                if (_keyCount == 0) continue;
                var rowValues = values.AsSpan(row * _keyCount, _keyCount);
                rowValues.Fill(Absent);
                foreach (var slot in shapeSlots[shape])
                {
                    if (slot < 0) continue;
                    var code = _valueCodes[slot].ReadInt();
                    var id = code > 0 ? code - 1 : ~AddUuid(ref uuidCount, _uuidColumns[slot].ReadUInt128());
                    if (rowValues[slot] == Absent) rowValues[slot] = id; // a repeated key: the first one counts
                }
            }
            ResolveParents(firstRow, end);
        }
    }

    private int AddUuid(ref int count, UInt128 value)
    {
        if (count == _uuids.Length) Array.Resize(ref _uuids, Math.Max(64, count * 2));
        _uuids[count] = value;
        return count++;
    }

    /// <summary>Parent codes k+2 name row k of the trace, which may come after the child (equal start times).</summary>
    private void ResolveParents(int firstRow, int end)
    {
        for (var row = firstRow; row < end; row++)
        {
            var code = _parentCodes[row];
            if (code < 2) continue;
            var parentRow = firstRow + code - 2;
            if (parentRow >= end) throw new InvalidDataException("parent code points outside the trace");
            Parents[row] = SpanIds[parentRow];
        }
    }
}
