using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Encodes the rows of consecutive traces (already sorted) into the columns of one row group. One encoder serves
/// every row group of a block (<see cref="Reset"/> after each): its column buffers are reused, not reallocated.
/// The rows of one group may come from several tables over the same dictionaries (a merge writes its traces
/// from one small head after another).
/// </summary>
internal sealed class RowGroupEncoder(ShapeTable shapes)
{
    private readonly ByteWriter[] _fixed = Enumerable.Range(0, RowGroupColumns.FixedCount).Select(_ => new ByteWriter(1 << 14)).ToArray();
    /// <summary>Value code and UUID columns by attribute key id (null until the key is seen).</summary>
    private ByteWriter?[] _codes = [];
    private ByteWriter?[] _uuids = [];
    /// <summary>Keys present in the current group, in order of first appearance.</summary>
    private readonly List<int> _keyOrder = [];
    private int[] _shapeBuffer = new int[64];

    public int RowCount { get; private set; }

    /// <summary>Adds the rows of one trace (sorted by start) whose earliest start is <paramref name="traceStart"/>;
    /// <paramref name="parents"/> gives each row's parent index among them (<see cref="TraceRows"/>).</summary>
    public void AddTrace(SpanTable table, ReadOnlySpan<int> rows, ReadOnlySpan<int> parents, ulong traceStart)
    {
        for (var i = 0; i < rows.Length; i++) AddRow(table, rows[i], parents[i], traceStart);
    }

    private void AddRow(SpanTable table, int row, int parentIndex, ulong traceStart)
    {
        _fixed[RowGroupColumns.SpanIds].WriteFixed64(table.SpanIds.Items[row]);
        if (parentIndex == TraceRows.Root) _fixed[RowGroupColumns.ParentCodes].WriteVarint(0);
        else if (parentIndex >= 0) _fixed[RowGroupColumns.ParentCodes].WriteVarint(parentIndex + 2);
        else
        {
            _fixed[RowGroupColumns.ParentCodes].WriteVarint(1);
            _fixed[RowGroupColumns.ExternalParents].WriteFixed64(table.ParentSpanIds.Items[row]);
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
        var keys = table.AttrKeys.Items;
        var values = table.AttrValues.Items;
        for (var i = start; i < end; i++)
        {
            var key = keys[i];
            _shapeBuffer[i - start] = key;
            var codes = key < _codes.Length && _codes[key] is { Length: > 0 } existing ? existing : StartColumn(key);
            var value = values[i];
            if (value >= 0) codes.WriteVarint(value + 1);
            else
            {
                codes.WriteVarint(0);
                _uuids[key]!.WriteUInt128(table.Uuids.Items[~value]);
            }
        }
        _fixed[RowGroupColumns.Shapes].WriteVarint(shapes.Intern(_shapeBuffer.AsSpan(0, end - start)));
        RowCount++;
    }

    /// <summary>The value code column of a key not yet written in this group (its columns made on first use).</summary>
    private ByteWriter StartColumn(int key)
    {
        if (key >= _codes.Length)
        {
            var size = Math.Max(key + 1, _codes.Length * 2);
            Array.Resize(ref _codes, size);
            Array.Resize(ref _uuids, size);
        }
        var codes = _codes[key] ??= new ByteWriter(1 << 12);
        _uuids[key] ??= new ByteWriter(64);
        if (codes.Length == 0) _keyOrder.Add(key);
        return codes;
    }

    /// <summary>Compresses the columns and appends them to the file; returns (compressed lengths, raw lengths, keys,
    /// the CRC-32C of each compressed chunk).</summary>
    public (int[] Compressed, int[] Raw, int[] Keys, uint[] Checksums) WriteTo(Stream output)
    {
        var count = RowGroupColumns.FixedCount + 2 * _keyOrder.Count;
        var compressed = new int[count];
        var raw = new int[count];
        var checksums = new uint[count]; // an empty chunk's CRC-32C is 0
        for (var i = 0; i < count; i++)
        {
            var column = i < RowGroupColumns.FixedCount ? _fixed[i]
                : (i - RowGroupColumns.FixedCount) % 2 == 0 ? _codes[_keyOrder[(i - RowGroupColumns.FixedCount) / 2]]!
                : _uuids[_keyOrder[(i - RowGroupColumns.FixedCount) / 2]]!;
            raw[i] = column.Length;
            if (raw[i] == 0) continue;
            var bytes = Codec.CompressToBuffer(column.WrittenSpan);
            compressed[i] = bytes.Length;
            checksums[i] = Crc32C.Compute(bytes);
            output.Write(bytes);
        }
        return (compressed, raw, [.. _keyOrder], checksums);
    }

    /// <summary>Empties every column for the next row group (buffers are kept).</summary>
    public void Reset()
    {
        foreach (var column in _fixed) column.Clear();
        foreach (var key in _keyOrder)
        {
            _codes[key]!.Clear();
            _uuids[key]!.Clear();
        }
        _keyOrder.Clear();
        RowCount = 0;
    }
}
