using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// The CRC-32C of every compressed column chunk of a row group (footer version 3, as Prometheus checksums each
/// chunk): zstd decodes many flipped bytes into other valid data, so without them a damaged block would answer
/// with a changed span ID. Verified on every read of the bytes, before they are decompressed; blocks written
/// before version 3 carry none and are read unchecked (their footer keeps its own checksum).
/// </summary>
internal static class ChunkChecksums
{
    /// <summary>Checks every chunk of a row group read whole (<paramref name="chunks"/> starts at its offset).</summary>
    /// <exception cref="InvalidDataException">A chunk does not match its checksum.</exception>
    public static void VerifyGroup(RowGroupInfo info, int group, ReadOnlySpan<byte> chunks)
    {
        if (info.Checksums.Length == 0) return;
        var offset = 0;
        for (var column = 0; column < info.CompressedLengths.Length; column++)
        {
            var length = info.CompressedLengths[column];
            VerifyColumn(info, group, column, chunks.Slice(offset, length));
            offset += length;
        }
    }

    /// <summary>Checks one chunk read alone.</summary>
    /// <exception cref="InvalidDataException">It does not match its checksum.</exception>
    public static void VerifyColumn(RowGroupInfo info, int group, int column, ReadOnlySpan<byte> chunk)
    {
        if (info.Checksums.Length == 0) return;
        if (Crc32C.Compute(chunk) != info.Checksums[column])
            throw new InvalidDataException($"row group {group}, column {column}: checksum mismatch");
    }
}
