using Google.Protobuf;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>Decodes a row group's columns back into a <see cref="SpanTable"/> over the block's dictionaries.</summary>
internal static class RowGroupDecoder
{
    public static SpanTable Decode(BlockFooter footer, RowGroupInfo group, byte[] data)
    {
        var columns = new ByteReader[group.RawLengths.Length];
        var offset = 0;
        for (var i = 0; i < columns.Length; i++)
        {
            var raw = group.RawLengths[i] == 0
                ? []
                : Codec.Decompress(data.AsSpan(offset, group.CompressedLengths[i]), group.RawLengths[i]);
            columns[i] = new ByteReader(raw);
            offset += group.CompressedLengths[i];
        }
        var keyIndex = new Dictionary<int, int>();
        for (var i = 0; i < group.AttributeKeys.Length; i++) keyIndex[group.AttributeKeys[i]] = i;

        var table = new SpanTable(footer.Dictionaries, group.RowCount);
        var traces = footer.Traces;
        var spanIds = new ulong[64];
        var parentCodes = new int[64];
        for (var trace = group.FirstTrace; trace < group.FirstTrace + group.TraceCount; trace++)
        {
            var count = traces.SpanCounts[trace];
            if (spanIds.Length < count)
            {
                spanIds = new ulong[count];
                parentCodes = new int[count];
            }
            var firstRow = table.Count;
            for (var i = 0; i < count; i++)
                spanIds[i] = DecodeRow(table, footer, columns, keyIndex, traces.Ids[trace], traces.Starts[trace], out parentCodes[i]);
            // A parent is stored as its index within the trace, and rows are sorted by start time: a child can come
            // before its parent (same start, or another host's clock running ahead), so parents are resolved once
            // every span ID of the trace is known.
            for (var i = 0; i < count; i++)
                if (parentCodes[i] >= 2) table.ParentSpanIds[firstRow + i] = spanIds[parentCodes[i] - 2];
        }
        return table;
    }

    /// <summary>Decodes one row; a parent within the trace is left for the caller (<paramref name="parentCode"/> ≥ 2).</summary>
    private static ulong DecodeRow(SpanTable table, BlockFooter footer, ByteReader[] c, Dictionary<int, int> keyIndex,
        UInt128 traceId, ulong traceStart, out int parentCode)
    {
        var spanId = c[RowGroupColumns.SpanIds].ReadFixed64();
        parentCode = c[RowGroupColumns.ParentCodes].ReadInt();
        var parent = parentCode == 1 ? c[RowGroupColumns.ExternalParents].ReadFixed64() : 0UL;
        var start = traceStart + c[RowGroupColumns.StartDeltas].ReadVarint();
        var end = start + c[RowGroupColumns.Durations].ReadVarint();

        var shape = footer.Shapes[c[RowGroupColumns.Shapes].ReadInt()];
        foreach (var key in shape)
        {
            var k = keyIndex[key];
            var code = c[RowGroupColumns.ValueCodes(k)].ReadInt();
            table.AttrKeys.Add(key);
            table.AttrValues.Add(code > 0 ? code - 1 : table.AddUuid(c[RowGroupColumns.Uuids(k)].ReadUInt128()));
        }

        table.TraceIds.Add(traceId);
        table.SpanIds.Add(spanId);
        table.ParentSpanIds.Add(parent);
        table.Starts.Add(start);
        table.Ends.Add(end);
        table.Names.Add(c[RowGroupColumns.Names].ReadInt());
        table.KindStatus.Add(c[RowGroupColumns.KindStatus].ReadByte());
        table.StatusMessages.Add(c[RowGroupColumns.StatusMessages].ReadInt());
        table.Resources.Add(c[RowGroupColumns.Resources].ReadInt());
        table.Scopes.Add(c[RowGroupColumns.Scopes].ReadInt());
        table.Flags.Add((uint)c[RowGroupColumns.Flags].ReadVarint());
        var extra = c[RowGroupColumns.Extras].ReadBytes();
        if (extra.Length == 0) table.Extra.Add(-1);
        else
        {
            table.ExtraData.Add(ByteString.CopyFrom(extra));
            table.Extra.Add(table.ExtraData.Count - 1);
        }
        table.AttrEnds.Add(table.AttrKeys.Count);
        return spanId;
    }
}
