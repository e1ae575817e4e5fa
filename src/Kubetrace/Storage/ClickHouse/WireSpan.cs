using System.Runtime.InteropServices;
using Kubetrace.Otlp.Wire;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// One encoded OTLP Span to its RowBinary row (<see cref="SpanRowEncoder"/>): its fields are located in one pass, then
/// written in the columns' order. Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind,
/// 7 start, 8 end, 9 attributes, 10 dropped_attributes_count, 11 events, 12 dropped_events_count, 13 links,
/// 14 dropped_links_count, 15 status (2 message, 3 code), 16 flags.
/// </summary>
internal static class WireSpan
{
    public static void Write(ReadOnlySpan<byte> span, RowBinaryWriter rows, ulong written, EncoderScratch scratch)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default, parent = default, name = default, traceState = default;
        var statusMessage = (Start: 0, Length: 0);
        ulong start = 0, end = 0, kind = 0, statusCode = 0, droppedAttributes = 0, droppedEvents = 0, droppedLinks = 0;
        uint flags = 0;
        var attributes = scratch.Attributes;
        attributes.Clear();
        var events = scratch.Events;
        events.Clear();
        var links = scratch.Links;
        links.Clear();
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd)
        {
            var fieldStart = reader.Offset;
            var (field, type) = reader.ReadTag();
            switch (field, type)
            {
                case (1, WireType.LengthDelimited): traceId = reader.ReadLengthDelimited(); break;
                case (2, WireType.LengthDelimited): spanId = reader.ReadLengthDelimited(); break;
                case (3, WireType.LengthDelimited): traceState = reader.ReadLengthDelimited(); break;
                case (4, WireType.LengthDelimited): parent = reader.ReadLengthDelimited(); break;
                case (5, WireType.LengthDelimited): name = reader.ReadLengthDelimited(); break;
                case (6, WireType.Varint): kind = reader.ReadVarint(); break;
                case (7, WireType.Fixed64): start = reader.ReadFixed64(); break;
                case (8, WireType.Fixed64): end = reader.ReadFixed64(); break;
                case (9, WireType.LengthDelimited):
                    var body = reader.ReadNested();
                    attributes.Add(WireAttribute.Read(body, fieldStart, reader.Offset));
                    break;
                case (10, WireType.Varint): droppedAttributes = (uint)reader.ReadVarint(); break;
                case (11, WireType.LengthDelimited):
                    reader.ReadLengthDelimited();
                    events.Add((fieldStart, reader.Offset));
                    break;
                case (12, WireType.Varint): droppedEvents = (uint)reader.ReadVarint(); break;
                case (13, WireType.LengthDelimited):
                    var link = reader.ReadNested();
                    links.Add(ReadLink(span, link, fieldStart, reader.Offset));
                    break;
                case (14, WireType.Varint): droppedLinks = (uint)reader.ReadVarint(); break;
                case (15, WireType.LengthDelimited):
                    var status = reader.ReadNested();
                    ReadStatus(ref status, ref statusMessage, ref statusCode);
                    break;
                case (16, WireType.Fixed32): flags = reader.ReadFixed32(); break;
                default: reader.Skip(field, type, 0); break;
            }
        }

        var date = SpanRowEncoder.Date(start);
        rows.UInt16(date);
        rows.TraceId(TraceId.FromBytes(traceId));
        rows.UInt64(SpanIds.FromBytes(spanId));
        rows.UInt64(SpanIds.FromBytes(parent));
        rows.Raw(scratch.Resource.Service);
        rows.Bytes(name);
        rows.Byte((byte)kind);
        rows.Byte((byte)statusCode);
        rows.Bytes(span.Slice(statusMessage.Start, statusMessage.Length));
        rows.UInt64(start);
        rows.UInt64(unchecked(end - start)); // duration_ns: the end back as start + duration, modulo 2^64
        rows.UInt64(written);

        // The arrays hold the attributes that no promoted column took (PromotedValues), in order.
        var each = CollectionsMarshal.AsSpan(attributes);
        var promoted = scratch.Promoted;
        promoted.Clear();
        var kept = 0;
        for (var i = 0; i < each.Length; i++)
        {
            each[i].InColumn = promoted.TryTake(span, each[i], i);
            if (!each[i].InColumn) kept++;
        }
        rows.VarUInt((ulong)kept);
        foreach (ref readonly var attribute in each)
            if (!attribute.InColumn) rows.Bytes(attribute.Key(span));
        rows.VarUInt((ulong)kept);
        foreach (ref readonly var attribute in each)
            if (!attribute.InColumn) attribute.WriteText(span, rows);
        rows.VarUInt((ulong)kept);
        var others = false;
        foreach (ref readonly var attribute in each)
        {
            if (!attribute.InColumn) rows.Byte((byte)attribute.Type);
            others |= attribute.Type == AttributeType.Other;
        }
        var carries = scratch.Resource.Carries(date);
        rows.Raw(scratch.Resource.Arrays(carries));
        rows.Raw(scratch.Resource.Hash);
        var eachLink = CollectionsMarshal.AsSpan(links);
        rows.VarUInt((ulong)eachLink.Length);
        foreach (ref readonly var l in eachLink) rows.TraceId(l.TraceId);
        rows.VarUInt((ulong)eachLink.Length);
        foreach (ref readonly var l in eachLink) rows.UInt64(l.SpanId);
        rows.Raw(scratch.Resource.Column(carries));
        rows.Raw(scratch.Scope.Written.Span);

        // extra is written only for a span that has something for it: most spans have none, and then the column is "".
        if (!others && traceState.IsEmpty && flags == 0 && droppedAttributes == 0 && droppedEvents == 0 && droppedLinks == 0 &&
            events.Count == 0 && links.Count == 0)
        {
            rows.Bytes([]);
        }
        else
        {
            var extra = scratch.Extra;
            extra.Clear();
            if (!traceState.IsEmpty) LengthDelimited(extra, 3, traceState);
            foreach (ref readonly var attribute in each)
                if (attribute.Type == AttributeType.Other) extra.Raw(attribute.Field(span));
            Varint(extra, 10, droppedAttributes);
            foreach (var (from, to) in events) extra.Raw(span[from..to]);
            Varint(extra, 12, droppedEvents);
            foreach (ref readonly var l in eachLink) extra.Raw(span[l.FieldStart..l.FieldEnd]);
            Varint(extra, 14, droppedLinks);
            if (flags != 0)
            {
                Span<byte> field = [0x85, 0x01, 0, 0, 0, 0]; // tag of field 16, fixed32 (a two-byte varint), then the value
                System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(field[2..], flags);
                extra.Raw(field);
            }
            rows.Bytes(extra.Written.Span);
        }
        promoted.Write(rows);
    }

    /// <summary>Link: 1 trace_id, 2 span_id (the rest is copied whole into <c>extra</c>).</summary>
    private static WireLink ReadLink(ReadOnlySpan<byte> span, ProtoWireReader link, int fieldStart, int fieldEnd)
    {
        ReadOnlySpan<byte> traceId = default, spanId = default;
        while (!link.AtEnd)
        {
            var (field, type) = link.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited) traceId = link.ReadLengthDelimited();
            else if (field == 2 && type == WireType.LengthDelimited) spanId = link.ReadLengthDelimited();
            else link.Skip(field, type, 0);
        }
        return new WireLink(TraceId.FromBytes(traceId), SpanIds.FromBytes(spanId), fieldStart, fieldEnd);
    }

    /// <summary>Status: 2 message, 3 code; a status given twice merges field by field (the last given wins).</summary>
    private static void ReadStatus(ref ProtoWireReader status, ref (int Start, int Length) message, ref ulong code)
    {
        while (!status.AtEnd)
        {
            var (field, type) = status.ReadTag();
            if (field == 2 && type == WireType.LengthDelimited) message.Length = status.ReadLengthDelimited(out message.Start).Length;
            else if (field == 3 && type == WireType.Varint) code = status.ReadVarint();
            else status.Skip(field, type, 0);
        }
    }

    private static void LengthDelimited(RowBinaryWriter extra, int field, ReadOnlySpan<byte> value)
    {
        extra.Byte((byte)(field << 3 | (int)WireType.LengthDelimited));
        extra.Bytes(value); // a varint length, then the bytes: protobuf's length-delimited value is RowBinary's String
    }

    private static void Varint(RowBinaryWriter extra, int field, ulong value)
    {
        if (value == 0) return;
        extra.Byte((byte)(field << 3 | (int)WireType.Varint));
        extra.VarUInt(value);
    }
}

/// <summary>A link's IDs and where its field is in the span.</summary>
internal readonly record struct WireLink(TraceId TraceId, ulong SpanId, int FieldStart, int FieldEnd);
