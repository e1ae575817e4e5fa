namespace Kubetrace.Processors;

/// <summary>One field of a protobuf message, located in its encoding (offsets relative to the message).</summary>
internal readonly record struct WireField(int Number, int WireType, int Start, int ValueStart, int End)
{
    public const int LengthDelimited = 2;

    public bool IsLengthDelimited => WireType == LengthDelimited;
}

/// <summary>
/// Just enough of the protobuf wire format to walk a message's fields without decoding them: the batch processor
/// cuts encoded batches with it, and a processor that decides on one field (a sampler reading trace IDs) can read
/// encoded batches with it instead of decoding every span.
/// </summary>
internal static class ProtoWire
{
    /// <summary>Reads the field at <paramref name="position"/> and moves past it; false if the bytes are malformed.</summary>
    public static bool TryReadField(ReadOnlySpan<byte> message, ref int position, out WireField field)
    {
        field = default;
        var start = position;
        if (!TryReadVarint(message, ref position, out var tag) || tag >> 3 is 0 or > int.MaxValue) return false;
        var wireType = (int)(tag & 7);
        var valueStart = position;
        switch (wireType)
        {
            case 0:
                if (!TryReadVarint(message, ref position, out _)) return false;
                break;
            case 1:
                position += 8;
                break;
            case WireField.LengthDelimited:
                if (!TryReadVarint(message, ref position, out var length) || length > (ulong)(message.Length - position)) return false;
                valueStart = position;
                position += (int)length;
                break;
            case 5:
                position += 4;
                break;
            default: // groups (deprecated) never appear in OTLP
                return false;
        }
        if (position > message.Length) return false;
        field = new WireField((int)(tag >> 3), wireType, start, valueStart, position);
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && position < data.Length; shift += 7)
        {
            var b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return true;
        }
        return false;
    }

    /// <summary>Size of a length-delimited field holding <paramref name="length"/> bytes (tags here are one byte).</summary>
    public static int LengthDelimitedSize(int length) => 1 + VarintSize((uint)length) + length;

    /// <summary>Writes a length-delimited field with a one-byte tag (field numbers 1-15) and returns the bytes written.</summary>
    public static int WriteLengthDelimited(Span<byte> destination, int fieldNumber, ReadOnlySpan<byte> value)
    {
        destination[0] = (byte)((fieldNumber << 3) | WireField.LengthDelimited);
        var position = 1;
        var length = (uint)value.Length;
        while (length >= 0x80)
        {
            destination[position++] = (byte)(length | 0x80);
            length >>= 7;
        }
        destination[position++] = (byte)length;
        value.CopyTo(destination[position..]);
        return position + value.Length;
    }

    private static int VarintSize(uint value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }
        return size;
    }
}
