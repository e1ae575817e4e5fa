using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>Encodes the rows of consecutive traces (already sorted) into the columns of one row group.</summary>
internal sealed class RowGroupEncoder(SpanTable table, ShapeTable shapes)
{
    private readonly ByteWriter[] _fixed = Enumerable.Range(0, RowGroupColumns.FixedCount).Select(_ => new ByteWriter(1 << 14)).ToArray();
    private readonly Dictionary<int, (ByteWriter Codes, ByteWriter Uuids)> _attributes = new();
    private readonly List<int> _keyOrder = [];
    private readonly Dictionary<ulong, int> _rowOfSpan = new();
    private int[] _shapeBuffer = new int[64];

    public int RowCount { get; private set; }

    /// <summary>Adds the rows of one trace (sorted by start) whose earliest start is <paramref name="traceStart"/>.</summary>
    public void AddTrace(ReadOnlySpan<int> rows, ulong traceStart)
    {
        _rowOfSpan.Clear();
        for (var i = 0; i < rows.Length; i++) _rowOfSpan.TryAdd(table.SpanIds.Items[rows[i]], i);
        foreach (var row in rows) AddRow(row, traceStart);
    }

    private void AddRow(int row, ulong traceStart)
    {
        _fixed[RowGroupColumns.SpanIds].WriteFixed64(table.SpanIds.Items[row]);
        var parent = table.ParentSpanIds.Items[row];
        if (parent == 0) _fixed[RowGroupColumns.ParentCodes].WriteVarint(0);
        else if (_rowOfSpan.TryGetValue(parent, out var parentRow)) _fixed[RowGroupColumns.ParentCodes].WriteVarint(parentRow + 2);
        else
        {
            _fixed[RowGroupColumns.ParentCodes].WriteVarint(1);
            _fixed[RowGroupColumns.ExternalParents].WriteFixed64(parent);
        }
        _fixed[RowGroupColumns.StartDeltas].WriteVarint(table.Starts.Items[row] - traceStart);
        _fixed[RowGroupColumns.Durations].WriteVarint(table.Ends.Items[row] - table.Starts.Items[row]);
        _fixed[RowGroupColumns.Names].WriteVarint(table.Names.Items[row]);
        _fixed[RowGroupColumns.KindStatus].WriteByte(table.KindStatus.Items[row]);
        _fixed[RowGroupColumns.StatusMessages].WriteVarint(table.StatusMessages.Items[row]);
        _fixed[RowGroupColumns.Resources].WriteVarint(table.Resources.Items[row]);
        _fixed[RowGroupColumns.Scopes].WriteVarint(table.Scopes.Items[row]);
        _fixed[RowGroupColumns.Flags].WriteVarint(table.Flags.Items[row]);
        var extra = table.Extra.Items[row];
        if (extra < 0) _fixed[RowGroupColumns.Extras].WriteVarint(0);
        else _fixed[RowGroupColumns.Extras].WriteBytes(table.ExtraData.Items[extra].Span);

        var (start, end) = table.AttrRange(row);
        if (_shapeBuffer.Length < end - start) _shapeBuffer = new int[end - start];
        for (var i = start; i < end; i++)
        {
            var key = table.AttrKeys.Items[i];
            _shapeBuffer[i - start] = key;
            if (!_attributes.TryGetValue(key, out var columns))
            {
                _attributes[key] = columns = (new ByteWriter(1 << 12), new ByteWriter(64));
                _keyOrder.Add(key);
            }
            var value = table.AttrValues.Items[i];
            if (value >= 0) columns.Codes.WriteVarint(value + 1);
            else
            {
                columns.Codes.WriteVarint(0);
                columns.Uuids.WriteUInt128(table.Uuids.Items[~value]);
            }
        }
        _fixed[RowGroupColumns.Shapes].WriteVarint(shapes.Intern(_shapeBuffer.AsSpan(0, end - start)));
        RowCount++;
    }

    /// <summary>Compresses the columns and appends them to the file; returns (compressed lengths, raw lengths, keys).</summary>
    public (int[] Compressed, int[] Raw, int[] Keys) WriteTo(Stream output)
    {
        var columns = _fixed.Concat(_keyOrder.SelectMany(k => new[] { _attributes[k].Codes, _attributes[k].Uuids })).ToList();
        var compressed = new int[columns.Count];
        var raw = new int[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            raw[i] = columns[i].Length;
            var bytes = raw[i] == 0 ? [] : Codec.Compress(columns[i].WrittenSpan);
            compressed[i] = bytes.Length;
            output.Write(bytes);
        }
        return (compressed, raw, [.. _keyOrder]);
    }
}
