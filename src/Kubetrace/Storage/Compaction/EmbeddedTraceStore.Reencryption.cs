using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Compaction;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage;

/// <summary>Re-encryption: old data moved to the newest key, so that older keys can be dropped (docs/storage.md,
/// Encryption at rest; <c>kubetrace store reencrypt</c>).</summary>
public sealed partial class EmbeddedTraceStore
{
    /// <summary>
    /// Writes the head into a block (so the WAL segments sealed with older keys are deleted), then rewrites every
    /// block not sealed with the newest key (<see cref="Encryption.StoreKeyRing.Active"/>; with no keys: every sealed
    /// block, in plaintext) through the block writer, as compaction rewrites blocks: to a temporary file, fsynced,
    /// renamed over the old one, so a crash leaves either. Its rollup sidecars are deleted and rebuilt. A block with
    /// a quarantined row group is left as it is (rewriting would drop the group for good) and reported.
    /// </summary>
    /// <returns>The blocks rewritten, and those left under an older key because they are damaged.</returns>
    public async Task<(int Rewritten, IReadOnlyList<string> Damaged)> ReencryptAsync(CancellationToken cancellationToken)
    {
        await FlushHeadAsync().ConfigureAwait(false);
        return await Task.Run(() =>
        {
            lock (_compactionGate) return ReencryptBlocks(cancellationToken);
        }, CancellationToken.None).ConfigureAwait(false);
    }

    private (int, IReadOnlyList<string>) ReencryptBlocks(CancellationToken cancellationToken)
    {
        var active = _options.Keys.Active;
        var rewritten = 0;
        var damaged = new List<string>();
        foreach (var block in View.Blocks.Where(b => b.Key != active).ToList())
        {
            if (block.DamagedGroups > 0)
            {
                damaged.Add(Path.GetFileName(block.Path));
                continue;
            }
            BlockReader replacement;
            try
            {
                replacement = _blocks.Write(Path.GetFileName(block.Path),
                    (path, key) => BlockMerger.Merge([block], path, _options.RowGroupSpans, key, cancellationToken));
            }
            catch (InvalidDataException e)
            {
                _logger.LogWarning(e, "block {Path} cannot be re-encrypted; it stays under key {Key}", block.Path, block.Key?.Id ?? "(none)");
                damaged.Add(Path.GetFileName(block.Path));
                continue;
            }
            lock (_viewGate)
            {
                _view = _view with { Blocks = _view.Blocks.Replace(block, replacement) };
            }
            _blocks.Retire(block);
            rewritten++;
            _logger.LogInformation("re-encrypted block {Path} from key {Old} to {New}", block.Path, block.Key?.Id ?? "(none)", active?.Id ?? "(none)");
        }
        _rollups.Retain(View.Blocks);
        return (rewritten, damaged);
    }
}
