using System.Buffers;
using System.Buffers.Binary;

namespace Kubetrace.Storage.Wal;

/// <summary>
/// A WAL record on disk: [payload length u32 LE][CRC-32C of payload u32 LE][payload: an OTLP
/// ExportTraceServiceRequest]. The length and checksum let replay tell a complete record from a torn one.
/// </summary>
internal static class WalFrame
{
    public const int HeaderSize = 8;

    /// <summary>Largest payload replay accepts; anything larger is treated as corruption.</summary>
    public const int MaxPayload = 256 * 1024 * 1024;

    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> payload)
    {
        var span = output.GetSpan(HeaderSize + payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(payload));
        payload.CopyTo(span[HeaderSize..]);
        output.Advance(HeaderSize + payload.Length);
    }
}
