using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;

namespace Kubetrace.Storage;

/// <summary>A 16-byte trace ID as a value type (big-endian order, so numeric order is byte order).</summary>
public readonly record struct TraceId(UInt128 Value) : IComparable<TraceId>
{
    public static TraceId FromBytes(ReadOnlySpan<byte> bytes)
    {
        // IDs shorter than 16 bytes (old clients) are right-aligned, like a hex string left-padded with zeros.
        if (bytes.Length == 16) return new(BinaryPrimitives.ReadUInt128BigEndian(bytes));
        Span<byte> padded = stackalloc byte[16];
        padded.Clear();
        var take = Math.Min(bytes.Length, 16);
        bytes[^take..].CopyTo(padded[(16 - take)..]);
        return new(BinaryPrimitives.ReadUInt128BigEndian(padded));
    }

    public static TraceId FromByteString(ByteString bytes) => FromBytes(bytes.Span);

    /// <summary>Parses 1–32 hex digits (shorter IDs are left-padded with zeros, as Jaeger does).</summary>
    public static bool TryParse(string? text, out TraceId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 32) return false;
        if (!UInt128.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        id = new(value);
        return true;
    }

    public byte[] ToBytes()
    {
        var bytes = new byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return bytes;
    }

    public ByteString ToByteString() => UnsafeByteOperations.UnsafeWrap(ToBytes());

    public int CompareTo(TraceId other) => Value.CompareTo(other.Value);

    public override string ToString() => Value.ToString("x32", CultureInfo.InvariantCulture);
}
