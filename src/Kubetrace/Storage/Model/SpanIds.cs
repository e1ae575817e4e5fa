using System.Buffers.Binary;
using Google.Protobuf;

namespace Kubetrace.Storage.Model;

/// <summary>8-byte span IDs as numbers (0 = absent), big-endian like the hex form.</summary>
internal static class SpanIds
{
    public static ulong FromByteString(ByteString bytes) => FromBytes(bytes.Span);

    /// <summary>The ID's last 8 bytes (an empty ID is 0).</summary>
    public static ulong FromBytes(ReadOnlySpan<byte> span)
    {
        if (span.Length == 8) return BinaryPrimitives.ReadUInt64BigEndian(span);
        ulong value = 0;
        foreach (var b in span[Math.Max(0, span.Length - 8)..]) value = (value << 8) | b;
        return value;
    }

    public static ByteString ToByteString(ulong value)
    {
        if (value == 0) return ByteString.Empty;
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }
}
