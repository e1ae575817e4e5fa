namespace Kubetrace.Otlp.Wire;

/// <summary>
/// The few writes needed to re-wrap encoded messages (the batch processor's splitter writes new envelopes around
/// fields copied as raw bytes): length-delimited fields with one-byte tags, and varints.
/// </summary>
internal static class ProtoWireWriter
{
    /// <summary>Size of a length-delimited field holding <paramref name="length"/> bytes (tags here are one byte).</summary>
    public static int LengthDelimitedSize(int length) => 1 + VarintSize((uint)length) + length;

    /// <summary>Writes a length-delimited field with a one-byte tag (field numbers 1-15) and returns the bytes written.</summary>
    public static int WriteLengthDelimited(Span<byte> destination, int fieldNumber, ReadOnlySpan<byte> value)
    {
        var position = WriteLengthDelimitedHeader(destination, fieldNumber, value.Length);
        value.CopyTo(destination[position..]);
        return position + value.Length;
    }

    /// <summary>Writes the tag and length of a length-delimited field whose value the caller writes next; returns the
    /// bytes written (at most 6).</summary>
    public static int WriteLengthDelimitedHeader(Span<byte> destination, int fieldNumber, int valueLength)
    {
        destination[0] = (byte)((fieldNumber << 3) | (int)WireType.LengthDelimited);
        return 1 + WriteVarint(destination[1..], (uint)valueLength);
    }

    /// <summary>Writes <paramref name="value"/> as a varint; returns the bytes written (at most 5).</summary>
    public static int WriteVarint(Span<byte> destination, uint value)
    {
        var position = 0;
        while (value >= 0x80)
        {
            destination[position++] = (byte)(value | 0x80);
            value >>= 7;
        }
        destination[position++] = (byte)value;
        return position;
    }

    public static int VarintSize(uint value)
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
