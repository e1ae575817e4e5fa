using System.Buffers;
using System.IO.Compression;

namespace Kubetrace.Storage.Wal;

/// <summary>
/// How a WAL payload is stored. OTLP protobuf of Kubernetes spans is ~570 B/span; at 200k spans/s raw that is
/// ~110 MB/s of fsynced writes, more than this machine's disk sustains, so by default the caller's thread
/// compresses with Brotli quality 0: 5.1x for about half the CPU of quality 1 (5.75x), and cheaper than zstd-1
/// (ZstdSharp) or Deflate; LZ4 (K4os) costs a little less again but compresses only 4.1x (docs/storage.md).
/// </summary>
internal static class WalCodec
{
    public const byte Raw = 0;
    public const byte Brotli = 1;

    /// <summary>Brotli's fastest quality; the decoder does not care which quality wrote a record.</summary>
    private const int BrotliQuality = 0;

    /// <summary>The payload to write; <c>Rented</c> (when not null) goes back to the shared pool once written.
    /// Batches are hundreds of KB: fresh buffers would land on the large object heap and force gen2 collections.</summary>
    public static (byte Codec, ReadOnlyMemory<byte> Payload, byte[]? Rented) Encode(ReadOnlyMemory<byte> otlp, bool compress)
    {
        if (!compress) return (Raw, otlp, null);
        var buffer = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(otlp.Length));
        if (!BrotliEncoder.TryCompress(otlp.Span, buffer, out var written, quality: BrotliQuality, window: 22))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return (Raw, otlp, null);
        }
        return (Brotli, buffer.AsMemory(0, written), buffer);
    }

    public static ReadOnlyMemory<byte> Decode(byte codec, ReadOnlyMemory<byte> payload)
    {
        switch (codec)
        {
            case Raw:
                return payload;
            case Brotli:
                using (var input = new MemoryStream(payload.ToArray()))
                using (var brotli = new BrotliStream(input, CompressionMode.Decompress))
                using (var output = new MemoryStream(payload.Length * 6))
                {
                    brotli.CopyTo(output);
                    return output.GetBuffer().AsMemory(0, (int)output.Length);
                }
            default:
                throw new InvalidDataException($"unknown WAL codec {codec}");
        }
    }
}
