using System.Buffers.Binary;
using Kubetrace.Otlp.Wire;

namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// The few fields the hot policies read (trace ID, timing, status code, name, event names, a span attribute), read
/// from a span's encoding as the decoder would: the last occurrence of a singular field wins, status codes of
/// repeated status fields merge, the first attribute with a key is its value.
/// </summary>
/// <remarks>Allocation-free; malformed bytes read as absent fields (the receiver validated the request).</remarks>
internal readonly ref struct EncodedSpan(ReadOnlySpan<byte> span)
{
    private const int TraceIdField = 1, TraceStateField = 3, NameField = 5, StartField = 7, EndField = 8;
    private const int AttributesField = 9, EventsField = 11, StatusField = 15;
    private const int EventNameField = 2, StatusCodeField = 3, KeyField = 1, ValueField = 2;

    public ReadOnlySpan<byte> Bytes { get; } = span;

    public ReadOnlySpan<byte> TraceId => Last(Bytes, TraceIdField);

    public ReadOnlySpan<byte> TraceState => Last(Bytes, TraceStateField);

    public ReadOnlySpan<byte> Name => Last(Bytes, NameField);

    public ulong StartTimeUnixNano => LastFixed64(StartField);

    public ulong EndTimeUnixNano => LastFixed64(EndField);

    /// <summary>The status code as its number (0 unset, 1 ok, 2 error).</summary>
    public int StatusCode
    {
        get
        {
            var code = 0;
            var reader = new ProtoWireReader(Bytes);
            while (!reader.AtEnd && reader.TryReadField(out var entry))
            {
                if (entry.Number != StatusField || !entry.IsLengthDelimited) continue;
                var status = Bytes[entry.ValueStart..entry.End];
                var statusReader = new ProtoWireReader(status);
                while (!statusReader.AtEnd && statusReader.TryReadField(out var statusField))
                    if (statusField.Number == StatusCodeField && statusField.Type == WireType.Varint)
                        code = (int)new ProtoWireReader(status[statusField.ValueStart..statusField.End]).ReadVarint();
            }
            return code;
        }
    }

    public bool HasEvent(ReadOnlySpan<byte> name)
    {
        var reader = new ProtoWireReader(Bytes);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number == EventsField && field.IsLengthDelimited && Last(Bytes[field.ValueStart..field.End], EventNameField).SequenceEqual(name)) return true;
        return false;
    }

    /// <summary>The encoded AnyValue of the first attribute named <paramref name="key"/>; false when there is none.</summary>
    public bool TryGetAttribute(ReadOnlySpan<byte> key, out EncodedValue value) => TryFind(Bytes, AttributesField, key, out value);

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

    private ulong LastFixed64(int number)
    {
        ulong found = 0;
        var reader = new ProtoWireReader(Bytes);
        while (!reader.AtEnd && reader.TryReadField(out var field))
            if (field.Number == number && field.Type == WireType.Fixed64) found = BinaryPrimitives.ReadUInt64LittleEndian(Bytes[field.ValueStart..]);
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
