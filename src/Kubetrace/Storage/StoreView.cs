using System.Collections.Immutable;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Query;

namespace Kubetrace.Storage;

/// <summary>
/// An immutable snapshot of what the store holds: the live head, the frozen heads being written as blocks, and
/// the blocks. Queries take one snapshot and read it; writers publish a new snapshot.
/// </summary>
internal sealed record StoreView(HeadBlock Head, ImmutableList<HeadBlock> Flushing, ImmutableList<BlockReader> Blocks)
{
    /// <summary>Every part, newest data first (the live head, frozen heads, blocks by age).</summary>
    public IEnumerable<ITracePart> Parts()
    {
        yield return new HeadPart(Head);
        foreach (var frozen in Flushing) yield return new HeadPart(frozen);
        foreach (var block in Blocks.OrderByDescending(b => b.MaxEnd)) yield return block;
    }

    public IEnumerable<ITracePart> Overlapping(TimeRange range) =>
        Parts().Where(p => p.MinStart == ulong.MaxValue || range.Overlaps((long)p.MinStart, (long)Math.Min(p.MaxEnd, long.MaxValue)));
}
