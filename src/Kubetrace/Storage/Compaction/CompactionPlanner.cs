using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Compaction;

/// <summary>
/// Which blocks to merge: runs of adjacent small blocks (in WAL segment order, which is ingest order and so time
/// order) whose spans together stay within <see cref="StoreOptions.CompactionTargetSpans"/> and whose data spans at
/// most <see cref="StoreOptions.CompactionMaxWindow"/>, so that retention, which deletes whole blocks oldest first,
/// still reclaims space in steps of at most that window. A run has at most <see cref="StoreOptions.CompactionMaxBlocks"/>
/// blocks (a merge holds a row group of each); the merged blocks are merged again at a later pass.
/// </summary>
internal static class CompactionPlanner
{
    public static List<List<BlockReader>> Plan(IEnumerable<BlockReader> blocks, StoreOptions options)
    {
        var runs = new List<List<BlockReader>>();
        var target = options.CompactionTargetSpans;
        if (target <= 0) return runs;
        var run = new List<BlockReader>();
        long runSpans = 0;
        foreach (var block in blocks.OrderBy(b => b.FirstSegment))
        {
            if (block.SpanCount > target / 2)
            {
                Close();
                continue;
            }
            if (run.Count > 0 && (runSpans + block.SpanCount > target || run.Count >= options.CompactionMaxBlocks ||
                Window(run, block) > options.CompactionMaxWindow)) Close();
            run.Add(block);
            runSpans += block.SpanCount;
        }
        Close();
        return runs;

        void Close()
        {
            if (run.Count >= 2) runs.Add(run);
            run = [];
            runSpans = 0;
        }
    }

    private static TimeSpan Window(List<BlockReader> run, BlockReader next)
    {
        var start = Math.Min(run.Min(b => b.MinStart), next.MinStart);
        var end = Math.Max(run.Max(b => b.MaxEnd), next.MaxEnd);
        return TimeSpan.FromTicks((long)(Math.Max(end, start) - start) / 100);
    }
}
