using System.Globalization;
using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Compaction;

/// <summary>
/// Naming and crash recovery of merged blocks. A merged block covers the WAL segments of all its sources, so a
/// block whose segment range lies inside another's has been merged into it: when a crash came between the merged
/// block's rename and the deletion of its sources, those sources are deleted at the next open, never read twice.
/// </summary>
internal static class CompactedBlocks
{
    /// <summary><c>first-last.ktb</c>: distinct from a head's block (<c>last.ktb</c>) and from every source's name,
    /// so the rename never replaces a source that queries may still read by path.</summary>
    public static string FileName(IReadOnlyList<BlockReader> sources) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{sources.Min(b => b.FirstSegment):D12}-{sources.Max(b => b.LastSegment):D12}.ktb");

    /// <summary>The blocks already merged into another one (to delete); the rest is returned in <paramref name="kept"/>.</summary>
    public static List<BlockReader> Replaced(IReadOnlyList<BlockReader> blocks, out List<BlockReader> kept)
    {
        var replaced = new List<BlockReader>();
        kept = [];
        foreach (var block in blocks)
        {
            var inside = blocks.Any(other => !ReferenceEquals(other, block) && Contains(other, block) &&
                (!Contains(block, other) || string.CompareOrdinal(other.Path, block.Path) < 0));
            (inside ? replaced : kept).Add(block);
        }
        return replaced;
    }

    private static bool Contains(BlockReader outer, BlockReader inner) =>
        outer.FirstSegment <= inner.FirstSegment && inner.LastSegment <= outer.LastSegment;
}
