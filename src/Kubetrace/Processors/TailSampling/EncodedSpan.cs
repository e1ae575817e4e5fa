using System.Buffers.Binary;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The singular fields that the hot policies and the request writer read (trace ID, tracestate, name, timing, status
/// code), recorded in one pass over a span's encoding as the decoder would read them: the last occurrence of a
/// singular field wins, and the status codes of repeated status fields merge. Byte fields are kept as offsets into
/// the span's bytes. Malformed bytes end the pass (<see cref="WellFormed"/> is then false); what was read before
/// stays (the receiver validated the request).
/// </summary>
internal readonly record struct SpanFields(
    int TraceIdStart, int TraceIdLength, int TraceStateStart, int TraceStateLength, int NameStart, int NameLength,
    ulong StartTimeUnixNano, ulong EndTimeUnixNano, int StatusCode, bool HasTraceStateField, bool WellFormed)
{
    private const int TraceIdField = 1, TraceStateField = 3, NameField = 5, StartField = 7, EndField = 8, StatusField = 15;
    private const int StatusCodeField = 3;

    public static SpanFields Read(ReadOnlySpan<byte> span)
    {
        int traceIdStart = 0, traceIdLength = 0, traceStateStart = 0, traceStateLength = 0, nameStart = 0, nameLength = 0;
        ulong start = 0, end = 0;
        var code = 0;
        var hasTraceState = false;
        var wellFormed = true;
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field))
            {
                wellFormed = false;
                break;
            }
            switch (field.Number)
            {
                case TraceIdField when field.IsLengthDelimited:
                    (traceIdStart, traceIdLength) = (field.ValueStart, field.End - field.ValueStart);
                    break;
                case TraceStateField:
                    hasTraceState = true; // any field 3, as the writer leaves every one out when it sets its own
                    if (field.IsLengthDelimited) (traceStateStart, traceStateLength) = (field.ValueStart, field.End - field.ValueStart);
                    break;
                case NameField when field.IsLengthDelimited:
                    (nameStart, nameLength) = (field.ValueStart, field.End - field.ValueStart);
                    break;
                case StartField when field.Type == WireType.Fixed64:
                    start = BinaryPrimitives.ReadUInt64LittleEndian(span[field.ValueStart..]);
                    break;
                case EndField when field.Type == WireType.Fixed64:
                    end = BinaryPrimitives.ReadUInt64LittleEndian(span[field.ValueStart..]);
                    break;
                case StatusField when field.IsLengthDelimited:
                    code = StatusCodeIn(span[field.ValueStart..field.End], code);
                    break;
            }
        }
        return new SpanFields(traceIdStart, traceIdLength, traceStateStart, traceStateLength, nameStart, nameLength, start, end, code, hasTraceState, wellFormed);
    }

    /// <summary>The last code in one encoded Status, or <paramref name="code"/> when it has none (the decoder merges).</summary>
    private static int StatusCodeIn(ReadOnlySpan<byte> status, int code)
    {
        var reader = new ProtoWireReader(status);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number == StatusCodeField && field.Type == WireType.Varint)
                code = (int)new ProtoWireReader(status[field.ValueStart..field.End]).ReadVarint();
        return code;
    }
}

/// <summary>
/// A span's repeated parts (attributes, events) read from its encoding on demand, as the decoder would: the first
/// attribute with a key is its value, and an event's name is its last name field.
/// </summary>
/// <remarks>Allocation-free; malformed bytes read as absent fields (the receiver validated the request).</remarks>
internal readonly ref struct EncodedSpan(ReadOnlySpan<byte> span)
{
    private const int AttributesField = 9, EventsField = 11;
    private const int EventNameField = 2, KeyField = 1, ValueField = 2;

    public ReadOnlySpan<byte> Bytes { get; } = span;

    public bool HasEvent(ReadOnlySpan<byte> name)
    {
        var reader = new ProtoWireReader(Bytes);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number == EventsField && field.IsLengthDelimited && Last(Bytes[field.ValueStart..field.End], EventNameField).SequenceEqual(name)) return true;
        return false;
    }

    /// <summary>The encoded AnyValue of the first attribute named <paramref name="key"/>; false when there is none.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> key, out EncodedValue value) => TryFind(Bytes, AttributesField, key, out value);

    /// <summary>The first attribute named <paramref name="key"/>, else the first named <paramref name="fallback"/>, in one
    /// pass over the attributes; false when there is neither.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> fallback, out EncodedValue value)
    {
        ReadOnlySpan<byte> fallbackValue = default;
        var fallbackFound = false;
        var reader = new ProtoWireReader(Bytes);
        while (!reader.AtEnd && reader.TryReadField(out var field))
        {
            if (field.Number != AttributesField || !field.IsLengthDelimited) continue;
            var keyValue = Bytes[field.ValueStart..field.End];
            var name = Last(keyValue, KeyField);
            if (name.SequenceEqual(key))
            {
                value = new EncodedValue(Last(keyValue, ValueField));
                return true;
            }
            if (!fallbackFound && name.SequenceEqual(fallback))
            {
                fallbackValue = Last(keyValue, ValueField);
                fallbackFound = true;
            }
        }
        value = new EncodedValue(fallbackValue);
        return fallbackFound;
    }

    /// <summary>The first KeyValue named <paramref name="key"/> among the <paramref name="listField"/> entries of a message.</summary>
    public static bool TryFind(ReadOnlySpan<byte> message, int listField, ReadOnlySpan<byte> key, out EncodedValue value)
    {
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd && reader.TryReadField(out var field))
        {
            if (field.Number != listField || !field.IsLengthDelimited) continue;
            var keyValue = message[field.ValueStart..field.End];
            if (!Last(keyValue, KeyField).SequenceEqual(key)) continue;
            value = new EncodedValue(Last(keyValue, ValueField));
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>The value of the last length-delimited <paramref name="number"/> field; empty when absent.</summary>
    public static ReadOnlySpan<byte> Last(ReadOnlySpan<byte> message, int number)
    {
        ReadOnlySpan<byte> found = default;
        var reader = new ProtoWireReader(message);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number == number && field.IsLengthDelimited) found = message[field.ValueStart..field.End];
        return found;
    }
}

/// <summary>An encoded AnyValue: its string or integer, when it holds one (the oneof's last field wins).</summary>
internal readonly ref struct EncodedValue
{
    private const int StringField = 1, IntField = 3, OneofFields = 7;
    private readonly ReadOnlySpan<byte> _anyValue;

    public EncodedValue(ReadOnlySpan<byte> anyValue) => _anyValue = anyValue;

    public bool TryGetString(out ReadOnlySpan<byte> utf8)
    {
        utf8 = default;
        var found = false;
        var reader = new ProtoWireReader(_anyValue);
        while (!reader.AtEnd && reader.TryReadField(out var field))
        {
            if (field.Number is < 1 or > OneofFields) continue;
            found = field.Number == StringField && field.IsLengthDelimited;
            if (found) utf8 = _anyValue[field.ValueStart..field.End];
        }
        return found;
    }

    public bool TryGetInt(out long value)
    {
        value = 0;
        var found = false;
        var reader = new ProtoWireReader(_anyValue);
        while (!reader.AtEnd && reader.TryReadField(out var field))
        {
            if (field.Number is < 1 or > OneofFields) continue;
            found = field.Number == IntField && field.Type == WireType.Varint;
            if (found) value = (long)new ProtoWireReader(_anyValue[field.ValueStart..field.End]).ReadVarint();
        }
        return found;
    }
}
