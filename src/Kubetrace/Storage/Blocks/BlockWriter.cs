using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Head;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Writes a frozen head as an immutable block file:
/// <c>"KTB1" | row groups (zstd columns) | footer (zstd) | footer length u32 | raw length u32 | CRC-32C u32 | "KTB1"</c>.
/// Written to a temporary name, fsynced, then renamed (<see cref="BlockDirectory"/>), so a block file is either
/// complete or absent. With a key, the row groups and the footer are sealed (<see cref="BlockSealing"/>). The
/// writing itself is <see cref="BlockBuilder"/>'s, which merges feed too.
/// </summary>
internal static class BlockWriter
{
    public static readonly byte[] Magic = "KTB1"u8.ToArray();
    public const int TrailerSize = 16;

    /// <param name="formatVersion">The footer version to write (<see cref="BlockFooter.Version"/>; 1 leaves the link table out).</param>
    /// <param name="sealWith">Seals the block; null: plaintext.</param>
    public static void Write(HeadBlock head, string path, int rowGroupSpans, int formatVersion = BlockFooter.Version, StoreKey? sealWith = null)
    {
        using var block = new BlockBuilder(path, head.Table.Dictionaries, rowGroupSpans, head.TraceCount, formatVersion, sealWith);
        block.AddHead(head);
        block.Finish(head.FirstSegment, head.LastSegment);
    }
}
