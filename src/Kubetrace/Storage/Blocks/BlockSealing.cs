using System.Buffers.Binary;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// How an encrypted block differs from a plain one: magic <c>KTBE</c> at both ends, the key reference and its
/// CRC-32C after the leading magic (damage there is damage, set aside like a bad footer; only an intact reference
/// to a key not listed stops the store), and every row group and the footer sealed whole (<c>nonce | tag | ciphertext</c>; a row group's
/// offset in the directory is where its nonce starts). The trailer's CRC covers the sealed footer and the chunk
/// CRCs the plaintext chunks, so damage is told as before, and the tag catches what a CRC would miss. Each unit's
/// associated data is its place (row group number, or the footer), so units cannot be swapped unnoticed.
/// </summary>
internal static class BlockSealing
{
    public static readonly byte[] Magic = "KTBE"u8.ToArray();

    /// <summary>The unit the footer (of a version 6 block, its section table) is sealed as; its sections are the
    /// units below it (-2, -3, ...).</summary>
    public const int FooterUnit = -1;

    public static bool IsBlockMagic(ReadOnlySpan<byte> magic) => magic.SequenceEqual(BlockWriter.Magic) || magic.SequenceEqual(Magic);

    /// <summary>The leading magic and (when sealing) the key reference.</summary>
    public static void WriteHeader(Stream file, StoreKey? key)
    {
        if (key is null)
        {
            file.Write(BlockWriter.Magic);
            return;
        }
        var size = StoreKeyRing.ReferenceSize(key);
        Span<byte> reference = stackalloc byte[size + 4];
        StoreKeyRing.WriteReference(key, reference);
        BinaryPrimitives.WriteUInt32LittleEndian(reference[size..], Crc32C.Compute(reference[..size]));
        file.Write(Magic);
        file.Write(reference);
    }

    /// <summary>The key named after the leading magic, and where the row groups start.</summary>
    /// <exception cref="InvalidDataException">The reference is damaged.</exception>
    /// <exception cref="StoreKeyException">It names a key not listed, or a wrong one.</exception>
    public static (StoreKey Key, int DataStart) ReadHeader(ReadOnlySpan<byte> start, StoreKeyRing keys, string what)
    {
        var reference = start[Magic.Length..];
        var size = reference.Length == 0 ? 0 : 1 + reference[0] + 8;
        if (size == 0 || reference.Length < size + 4 ||
            Crc32C.Compute(reference[..size]) != BinaryPrimitives.ReadUInt32LittleEndian(reference[size..]))
            throw new InvalidDataException("damaged key reference");
        var key = keys.Resolve(reference, what, out _);
        return (key, Magic.Length + size + 4);
    }

    /// <summary>Most bytes <see cref="ReadHeader"/> looks at.</summary>
    public const int MaxHeaderSize = 4 + 1 + 255 + 8 + 4;

    /// <summary>Writes <paramref name="plain"/> sealed as row group <paramref name="group"/> (or the footer, <see cref="FooterUnit"/>, or a footer section),
    /// through <paramref name="scratch"/>, which grows as needed and is kept for the next unit.</summary>
    public static int WriteSealed(Stream file, StoreKey key, ReadOnlySpan<byte> plain, int group, ref byte[] scratch)
    {
        var length = plain.Length + StoreKey.Overhead;
        if (scratch.Length < length) scratch = new byte[Math.Max(length, scratch.Length * 2)];
        key.Seal(plain, scratch.AsSpan(0, length), Context(group, stackalloc byte[4]));
        file.Write(scratch, 0, length);
        return length;
    }

    /// <summary>Decrypts a sealed unit whose nonce and tag were read into <paramref name="nonceAndTag"/> and its
    /// ciphertext into <paramref name="data"/>, in place.</summary>
    /// <exception cref="InvalidDataException">The unit was changed.</exception>
    public static void Open(StoreKey key, ReadOnlySpan<byte> nonceAndTag, Span<byte> data, int group) =>
        key.Open(nonceAndTag, data, data, Context(group, stackalloc byte[4]));

    private static ReadOnlySpan<byte> Context(int group, Span<byte> buffer)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, unchecked((uint)group));
        return buffer;
    }
}
