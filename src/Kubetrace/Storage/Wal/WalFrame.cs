using System.Buffers;
using System.Buffers.Binary;

namespace Kubetrace.Storage.Wal;

/// <summary>
/// A WAL record on disk: [payload length u32 LE][CRC-32C of codec and payload u32 LE][codec u8][payload: an OTLP
/// ExportTraceServiceRequest, raw or compressed (see <see cref="WalCodec"/>)]. The length and checksum let replay
/// tell a complete record from a torn one.
/// </summary>
internal static class WalFrame
{
    public const int HeaderSize = 9;

    /// <summary>Largest payload replay accepts; anything larger is treated as corruption.</summary>
    public const int MaxPayload = 256 * 1024 * 1024;

    public static void Write(IBufferWriter<byte> output, byte codec, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(HeaderSize + payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Checksum(codec, payload));
        span[8] = codec;
        payload.CopyTo(span[HeaderSize..]);
        output.Advance(HeaderSize + payload.Length);
    }

    public static uint Checksum(byte codec, ReadOnlySpan<byte> payload) =>
        ~Crc32C.Append(Crc32C.Append(0xFFFFFFFFu, [codec]), payload);
}
