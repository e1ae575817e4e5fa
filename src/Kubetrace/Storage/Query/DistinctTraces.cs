using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Query;

/// <summary>
/// How many traces the parts hold, each counted once although its spans may lie in several parts (a trace cut
/// across heads, blocks written before its late spans arrived): a merge of the parts' sorted trace IDs, O(traces
/// × log parts), for <c>stats</c>. Summing per part counted such a trace once per part.
/// </summary>
internal static class DistinctTraces
{
    public static long Count(IEnumerable<ITracePart> parts)
    {
        var lists = parts.Select(SortedIds).Where(ids => ids.Length > 0).ToList();
        if (lists.Count == 1) return lists[0].Length; // a part lists each of its traces once
        var queue = new PriorityQueue<(UInt128[] Ids, int Next), UInt128>(lists.Count);
        foreach (var ids in lists) queue.Enqueue((ids, 1), ids[0]);
        long count = 0;
        var last = UInt128.Zero;
        while (queue.TryDequeue(out var cursor, out var id))
        {
            if (count == 0 || id != last) count++;
            last = id;
            if (cursor.Next < cursor.Ids.Length) queue.Enqueue((cursor.Ids, cursor.Next + 1), cursor.Ids[cursor.Next]);
        }
        return count;
    }

    /// <summary>A block's trace table is sorted already (read without filling the footer cache: stats read every
    /// block's IDs); a head's IDs are in arrival order.</summary>
    private static UInt128[] SortedIds(ITracePart part)
    {
        if (part is BlockReader block) return block.FooterUncached().Traces.Ids;
        var ids = part.TraceIds().ToArray();
        Array.Sort(ids);
        return ids;
    }
}
