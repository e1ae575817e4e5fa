using System.IO.Compression;
using Kubetrace.Storage.Encryption;

namespace Kubetrace.Storage.Wal;

/// <summary>
/// How a WAL payload is stored. OTLP protobuf of Kubernetes spans is ~570 B/span; at 200k spans/s raw that is
/// ~110 MB/s of fsynced writes, more than this machine's disk sustains, so by default the caller's thread
/// compresses with Brotli quality 0: 5.1x for about half the CPU of quality 1 (5.75x), and cheaper than zstd-1
/// (ZstdSharp) or Deflate; LZ4 (K4os) costs a little less again but compresses only 4.1x (docs/storage.md).
/// With encryption at rest the codec byte carries <see cref="Encrypted"/> and the payload is
/// <c>key reference | nonce | tag | ciphertext of the (compressed) payload</c>: each record is sealed alone, so the
/// frame (length, CRC) still lets replay step over one damaged record and keep the later ones.
/// </summary>
internal static class WalCodec
{
    public const byte Raw = 0;
    public const byte Brotli = 1;

    /// <summary>Flag on the codec byte: the payload is sealed (<see cref="StoreKey"/>).</summary>
    public const byte Encrypted = 0x80;

    /// <summary>Whether replay knows the codec byte of a record (a damaged one is looked past).</summary>
    public static bool IsKnown(byte codec) => (codec & ~Encrypted) is Raw or Brotli;

    /// <summary>Brotli's fastest quality; the decoder does not care which quality wrote a record.</summary>
    private const int BrotliQuality = 0;

    /// <summary>The payload to write; <c>Rented</c> (when not null) goes back through <see cref="Return"/> once written.
    /// Batches are hundreds of KB: fresh buffers would land on the large object heap and force gen2 collections; a
    /// request of several MiB takes its buffer from <see cref="IngestBuffers"/>, which the store's release empties.</summary>
    /// <param name="key">Seals the payload (in the same buffer, after compressing into it); null: plaintext.</param>
    public static (byte Codec, ReadOnlyMemory<byte> Payload, byte[]? Rented) Encode(ReadOnlyMemory<byte> otlp, bool compress, StoreKey? key = null)
    {
        var prefix = key is null ? 0 : StoreKeyRing.ReferenceSize(key) + StoreKey.Overhead;
        if (!compress)
            return key is null ? (Raw, otlp, null) : Seal(Raw, otlp.Span, null, prefix, key);
        var buffer = IngestBuffers.Shared.Rent(prefix + BrotliEncoder.GetMaxCompressedLength(otlp.Length));
        if (!BrotliEncoder.TryCompress(otlp.Span, buffer.AsSpan(prefix), out var written, quality: BrotliQuality, window: 22))
        {
            IngestBuffers.Shared.Return(buffer);
            return key is null ? (Raw, otlp, null) : Seal(Raw, otlp.Span, null, prefix, key);
        }
        return key is null ? (Brotli, buffer.AsMemory(0, written), buffer) : Seal(Brotli, buffer.AsSpan(prefix, written), buffer, prefix, key);
    }

    /// <summary>Gives back the <c>Rented</c> buffer of <see cref="Encode"/> once its record is written.</summary>
    public static void Return(byte[] rented) => IngestBuffers.Shared.Return(rented);

    /// <summary>Seals <paramref name="plain"/> behind the key reference; in place when it already sits at
    /// <paramref name="prefix"/> in <paramref name="buffer"/>.</summary>
    private static (byte, ReadOnlyMemory<byte>, byte[]) Seal(byte codec, ReadOnlySpan<byte> plain, byte[]? buffer, int prefix, StoreKey key)
    {
        var length = plain.Length;
        buffer ??= IngestBuffers.Shared.Rent(prefix + length);
        var reference = StoreKeyRing.WriteReference(key, buffer);
        var sealedCodec = (byte)(codec | Encrypted);
        key.Seal(plain, buffer.AsSpan(reference, StoreKey.Overhead + length), [sealedCodec]);
        return (sealedCodec, buffer.AsMemory(0, prefix + length), buffer);
    }

    /// <summary>The key a record that decodes was sealed with; null: plaintext.</summary>
    public static StoreKey? SealedWith(byte codec, ReadOnlySpan<byte> payload, StoreKeyRing keys, string what) =>
        (codec & Encrypted) == 0 ? null : keys.Resolve(payload, what, out _);

    /// <summary>The OTLP bytes of a record.</summary>
    /// <param name="keys">Opens a sealed record; <paramref name="what"/> names the segment in a key error.</param>
    /// <exception cref="InvalidDataException">The record does not decode or was changed (damage: skipped).</exception>
    /// <exception cref="StoreKeyException">Its key is not listed or is the wrong one (not damage: the store stops).</exception>
    public static ReadOnlyMemory<byte> Decode(byte codec, ReadOnlyMemory<byte> payload, StoreKeyRing keys, string what)
    {
        if ((codec & Encrypted) == 0) return Decode(codec, payload);
        var key = keys.Resolve(payload.Span, what, out var reference);
        var sealedUnit = payload.Span[reference..];
        if (sealedUnit.Length < StoreKey.Overhead) throw new InvalidDataException("sealed WAL record too short");
        var plain = new byte[sealedUnit.Length - StoreKey.Overhead];
        key.Open(sealedUnit[..StoreKey.Overhead], sealedUnit[StoreKey.Overhead..], plain, [codec]);
        return Decode((byte)(codec & ~Encrypted), plain);
    }

    private static ReadOnlyMemory<byte> Decode(byte codec, ReadOnlyMemory<byte> payload)
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
