using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Wire;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// One encoded attribute (an OTLP KeyValue) located in the message that holds it: its key's bytes, its value's type
/// and where its value is, so that its text is written without building an AnyValue. Offsets are the container's.
/// </summary>
internal struct WireAttribute
{
    public int KeyStart, KeyLength;
    public AttributeType Type;
    /// <summary>An array or key-value list: its text is the object model's (rare; everything else is written here).</summary>
    public bool Complex;
    /// <summary>A string's or bytes value's bytes.</summary>
    public int ValueStart, ValueLength;
    /// <summary>A bool's, int's or double's value.</summary>
    public ulong Bits;
    /// <summary>The KeyValue message, and the whole field (tag and length included) as it is copied into <c>extra</c>.</summary>
    public int BodyStart, BodyEnd, FieldStart, FieldEnd;
    /// <summary>A span attribute whose value went to a promoted column, not to the arrays (set by the span's encoder).</summary>
    public bool InColumn;

    public readonly ReadOnlySpan<byte> Key(ReadOnlySpan<byte> container) => container.Slice(KeyStart, KeyLength);

    public readonly ReadOnlySpan<byte> Value(ReadOnlySpan<byte> container) => container.Slice(ValueStart, ValueLength);

    public readonly ReadOnlySpan<byte> Field(ReadOnlySpan<byte> container) => container[FieldStart..FieldEnd];

    /// <summary>Reads the KeyValue <paramref name="body"/> (a reader whose offsets are the container's) of the field
    /// from <paramref name="fieldStart"/> to <paramref name="fieldEnd"/>: key 1, value 2; the last one given wins, and a
    /// value given twice is merged (its last oneof field wins), as protobuf parses it.</summary>
    public static WireAttribute Read(ProtoWireReader body, int fieldStart, int fieldEnd)
    {
        var attribute = new WireAttribute
        {
            FieldStart = fieldStart, FieldEnd = fieldEnd, BodyStart = body.Offset, BodyEnd = fieldEnd, Type = AttributeType.Other,
        };
        while (!body.AtEnd)
        {
            var (field, type) = body.ReadTag();
            if (field == 1 && type == WireType.LengthDelimited)
            {
                attribute.KeyLength = body.ReadLengthDelimited(out attribute.KeyStart).Length;
            }
            else if (field == 2 && type == WireType.LengthDelimited)
            {
                var value = body.ReadNested();
                attribute.ReadValue(ref value);
            }
            else body.Skip(field, type, 0);
        }
        return attribute;
    }

    /// <summary>AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array, 6 key-value list, 7 bytes.</summary>
    private void ReadValue(ref ProtoWireReader value)
    {
        while (!value.AtEnd)
        {
            var (field, type) = value.ReadTag();
            switch (field, type)
            {
                case (1, WireType.LengthDelimited):
                    (Type, Complex) = (AttributeType.String, false);
                    ValueLength = value.ReadLengthDelimited(out ValueStart).Length;
                    break;
                case (2, WireType.Varint):
                    (Type, Complex, Bits) = (AttributeType.Bool, false, value.ReadVarint());
                    break;
                case (3, WireType.Varint):
                    (Type, Complex, Bits) = (AttributeType.Int, false, value.ReadVarint());
                    break;
                case (4, WireType.Fixed64):
                    (Type, Complex, Bits) = (AttributeType.Double, false, value.ReadFixed64());
                    break;
                case (5, WireType.LengthDelimited) or (6, WireType.LengthDelimited):
                    (Type, Complex) = (AttributeType.Other, true);
                    value.ReadLengthDelimited();
                    break;
                case (7, WireType.LengthDelimited):
                    (Type, Complex) = (AttributeType.Bytes, false);
                    ValueLength = value.ReadLengthDelimited(out ValueStart).Length;
                    break;
                default:
                    value.Skip(field, type, 0);
                    break;
            }
        }
    }

    /// <summary>The value's text as <see cref="StoredValue.TextOf"/> writes it, as a RowBinary String.</summary>
    public readonly void WriteText(ReadOnlySpan<byte> container, RowBinaryWriter rows)
    {
        switch (Type)
        {
            case AttributeType.String: rows.Bytes(Value(container)); break;
            case AttributeType.Int: rows.Text((long)Bits, default); break;
            case AttributeType.Double: rows.Text(BitConverter.UInt64BitsToDouble(Bits), "R"); break;
            case AttributeType.Bool: rows.Bytes(Bits != 0 ? "true"u8 : "false"u8); break;
            case AttributeType.Bytes: rows.Base64(Value(container)); break;
            default:
                if (!Complex) rows.Bytes([]);
                else rows.String(StoredValue.TextOf(KeyValue.Parser.ParseFrom(container[BodyStart..BodyEnd]).Value ?? new AnyValue()));
                break;
        }
    }
}
