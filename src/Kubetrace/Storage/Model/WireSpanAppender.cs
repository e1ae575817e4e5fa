using System.Buffers.Binary;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Model;

/// <summary>
/// Appends spans to a <see cref="SpanTable"/> straight from the OTLP protobuf bytes, without building the object
/// model: repeated keys and values are recognised from their bytes, so a typical span allocates nothing but
/// what is new. Produces the same rows as <see cref="SpanAppender"/> (the round-trip tests cover both).
/// </summary>
internal sealed class WireSpanAppender(SpanTable table, Action<UInt128, int, ulong, ulong> beforePublish)
{
    private readonly ByteWriter _extra = new(256);

    /// <summary>Appends every span of an ExportTraceServiceRequest.</summary>
    public void AppendRequest(ReadOnlySpan<byte> request)
    {
        var reader = new ProtoReader(request);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) AppendResourceSpans(reader.ReadBytes());
            else reader.Skip(wire);
        }
    }

    private void AppendResourceSpans(ReadOnlySpan<byte> message)
    {
        // Fields may come in any order: find the resource and schema URL before the spans that refer to them.
        ReadOnlySpan<byte> resource = default;
        var schemaUrl = "";
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) resource = reader.ReadBytes();
            else if (field == 3 && wire == 2) schemaUrl = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
            else reader.Skip(wire);
        }
        var resourceBytes = resource.ToArray();
        var resourceId = table.Dictionaries.Resources.InternEncoded(resourceBytes, schemaUrl,
            () => new ResourceEntry(Resource.Parser.ParseFrom(resourceBytes), schemaUrl));

        reader = new ProtoReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            // 1000: instrumentation_library_spans of old exporters, the same shape as scope_spans.
            if ((field == 2 || field == 1000) && wire == 2) AppendScopeSpans(resourceId, reader.ReadBytes());
            else reader.Skip(wire);
        }
    }

    private void AppendScopeSpans(int resourceId, ReadOnlySpan<byte> message)
    {
        ReadOnlySpan<byte> scope = default;
        var schemaUrl = "";
        var reader = new ProtoReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) scope = reader.ReadBytes();
            else if (field == 3 && wire == 2) schemaUrl = System.Text.Encoding.UTF8.GetString(reader.ReadBytes());
            else reader.Skip(wire);
        }
        var scopeBytes = scope.ToArray();
        var scopeId = table.Dictionaries.Scopes.InternEncoded(scopeBytes, schemaUrl,
            () => new ScopeEntry(InstrumentationScope.Parser.ParseFrom(scopeBytes), schemaUrl));

        reader = new ProtoReader(message);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 2 && wire == 2) AppendSpan(resourceId, scopeId, reader.ReadBytes());
            else reader.Skip(wire);
        }
    }

    private void AppendSpan(int resourceId, int scopeId, ReadOnlySpan<byte> span)
    {
        var dictionaries = table.Dictionaries;
        UInt128 traceId = 0;
        ulong spanId = 0, parentId = 0, start = 0, end = 0;
        uint flags = 0;
        int name = 0, kind = 0, statusCode = 0, statusMessage = 0, position = 1;
        _extra.Clear();
        var reader = new ProtoReader(span);
        while (reader.TryReadTag(out var field, out var wire))
        {
            var fieldStart = reader.Position;
            switch (field)
            {
                case 1 when wire == 2: traceId = TraceId.FromBytes(reader.ReadBytes()).Value; break;
                case 2 when wire == 2: spanId = SpanIdOf(reader.ReadBytes()); break;
                case 4 when wire == 2: parentId = SpanIdOf(reader.ReadBytes()); break;
                case 5 when wire == 2: name = dictionaries.Strings.InternUtf8At(0, reader.ReadBytes()); break;
                case 6 when wire == 0: kind = (int)reader.ReadVarint(); break;
                case 7 when wire == 1: start = reader.ReadFixed64(); break;
                case 8 when wire == 1: end = reader.ReadFixed64(); break;
                case 9 when wire == 2: AppendAttribute(position++, reader.ReadBytes()); break;
                case 15 when wire == 2: (statusCode, statusMessage) = ReadStatus(reader.ReadBytes()); break;
                case 16 when wire == 5: flags = reader.ReadFixed32(); break;
                case 3 or 10 or 11 or 12 or 13 or 14:
                    // Rare fields go to the extras as their own encoding: concatenated fields form a valid message.
                    reader.Skip(wire);
                    WriteRawField(span, field, wire, fieldStart, reader.Position);
                    break;
                default: reader.Skip(wire); break;
            }
        }
        if (end < start)
        {
            // An end before the start cannot be a duration; keep the original end in the extras.
            _extra.WriteVarint((8 << 3) | 1);
            _extra.WriteFixed64LittleEndian(end);
        }

        beforePublish(traceId, table.Count, start, end);
        table.TraceIds.Add(traceId);
        table.SpanIds.Add(spanId);
        table.ParentSpanIds.Add(parentId);
        table.Starts.Add(start);
        table.Ends.Add(Math.Max(end, start));
        table.Names.Add(name);
        table.KindStatus.Add((byte)((statusCode << 4) | (kind & 0xF)));
        table.StatusMessages.Add(statusMessage);
        table.Resources.Add(resourceId);
        table.Scopes.Add(scopeId);
        table.Flags.Add(flags);
        if (_extra.Length == 0) table.Extra.Add(-1);
        else
        {
            table.ExtraData.Add(ByteString.CopyFrom(_extra.WrittenSpan));
            table.Extra.Add(table.ExtraData.Count - 1);
        }
        table.AttrEnds.Add(table.AttrKeys.Count); // publishes the row
    }

    private void WriteRawField(ReadOnlySpan<byte> span, int field, int wire, int valueStart, int valueEnd)
    {
        _extra.WriteVarint((ulong)((field << 3) | wire));
        _extra.WriteRaw(span[valueStart..valueEnd]);
    }

    private void AppendAttribute(int position, ReadOnlySpan<byte> keyValue)
    {
        ReadOnlySpan<byte> key = default, value = default;
        var hasValue = false;
        var reader = new ProtoReader(keyValue);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 1 && wire == 2) key = reader.ReadBytes();
            else if (field == 2 && wire == 2) { value = reader.ReadBytes(); hasValue = true; }
            else reader.Skip(wire);
        }
        table.AttrKeys.Add(table.Dictionaries.Strings.InternUtf8At(position, key));
        table.AttrValues.Add(InternValue(value, hasValue));
    }

    private int InternValue(ReadOnlySpan<byte> anyValue, bool present)
    {
        var values = table.Dictionaries.InternedValues;
        if (present)
        {
            var reader = new ProtoReader(anyValue);
            if (reader.TryReadTag(out var field, out var wire) && field == 1 && wire == 2)
            {
                var text = reader.ReadBytes();
                if (reader.Position == anyValue.Length) // a plain string value (the common case)
                    return Uuid.TryParse(text, out var uuid) ? table.AddUuid(uuid) : values.InternUtf8(text);
            }
        }
        return present ? values.InternOtherEncoded(anyValue) : values.InternOther(new AnyValue());
    }

    private (int Code, int Message) ReadStatus(ReadOnlySpan<byte> status)
    {
        int code = 0, message = 0;
        var reader = new ProtoReader(status);
        while (reader.TryReadTag(out var field, out var wire))
        {
            if (field == 3 && wire == 0) code = (int)reader.ReadVarint();
            else if (field == 2 && wire == 2)
            {
                var text = reader.ReadBytes();
                message = text.Length == 0 ? 0 : table.Dictionaries.Strings.InternUtf8At(63, text);
            }
            else reader.Skip(wire);
        }
        return (code, message);
    }

    private static ulong SpanIdOf(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 8) return BinaryPrimitives.ReadUInt64BigEndian(bytes);
        ulong value = 0;
        foreach (var b in bytes[Math.Max(0, bytes.Length - 8)..]) value = (value << 8) | b;
        return value;
    }
}
