using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Compaction;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage;

/// <summary>Compaction: adjacent small blocks merged into larger ones in the background (docs/storage.md).</summary>
public sealed partial class EmbeddedTraceStore
{
    /// <summary>
    /// Merges the runs <see cref="CompactionPlanner"/> picks. Each merged block is fsynced and renamed into place
    /// before it replaces its sources in the view and they are deleted; a crash in between leaves sources that
    /// <see cref="DropMergedBlocks"/> deletes at the next open. Runs on the retention loop, so retention never
    /// deletes a source while it is being merged. Returns the number of blocks merged away.
    /// </summary>
    internal Task<int> CompactAsync(CancellationToken cancellationToken) => Task.Run(() =>
    {
        // One compaction at a time (tests call this beside the background loop): two merging the same sources
        // would both add their block to the view.
        lock (_compactionGate) return CompactRuns(cancellationToken);
    }, CancellationToken.None);

    private readonly Lock _compactionGate = new();

    private int CompactRuns(CancellationToken cancellationToken)
    {
        var merged = 0;
        var pressure = new MergePressure(_options.UnderMemoryPressure, _options.CompactionPatience);
        foreach (var run in CompactionPlanner.Plan(View.Blocks, _options))
        {
            // Merging would drop a quarantined row group for good: such a block stays as it is.
            if (run.Any(b => b.DamagedGroups > 0)) continue;
            BlockReader block;
            try
            {
                block = _blocks.Write(CompactedBlocks.FileName(run),
                    (path, key) => BlockMerger.Merge(run, path, _options.RowGroupSpans, key, cancellationToken, pressure));
            }
            catch (MemoryShortException e)
            {
                // What the merge held is garbage now; the sources stay, and a pass with memory to spare merges them.
                _logger.LogInformation("compacting {Count} blocks given up: {Reason}; they stay as they are until a later pass", run.Count, e.Message);
                break;
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                // Nothing changed: the sources stay as they are (a full disk, or a damaged source).
                _logger.LogWarning(e, "compacting {Count} blocks failed; they stay as they are", run.Count);
                continue;
            }
            lock (_viewGate)
            {
                _view = _view with { Blocks = _view.Blocks.RemoveRange(run).Add(block) };
            }
            foreach (var source in run) _blocks.Delete(source);
            merged += run.Count;
            _logger.LogInformation("compacted {Count} blocks ({Spans} spans) into {Path}", run.Count, block.SpanCount, block.Path);
        }
        return merged;
    }

    /// <summary>Blocks merged into another before a crash could delete them: deleted now, never read twice.</summary>
    private List<BlockReader> DropMergedBlocks(List<BlockReader> blocks)
    {
        var replaced = CompactedBlocks.Replaced(blocks, out var kept);
        foreach (var block in replaced)
        {
            _logger.LogInformation("block {Path} was merged into another before a restart; deleting it", block.Path);
            _blocks.Delete(block);
        }
        return kept;
    }
}
