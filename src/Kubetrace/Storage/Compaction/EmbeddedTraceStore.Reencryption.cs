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
        var rewritten = 0;
        var damaged = new List<string>();
        foreach (var block in View.Blocks.Where(b => b.Key != _options.Keys.Active).ToList())
            if (ReencryptBlock(block, cancellationToken)) rewritten++;
            else damaged.Add(Path.GetFileName(block.Path));
        _rollups.Retain(View.Blocks);
        return (rewritten, damaged);
    }

    /// <summary>
    /// Key rotation in a running store (docs/security.md, Encryption at rest): once a key is appended to the list
    /// (a restart), the maintenance loop calls this after compaction until nothing is left under older keys — the
    /// head replayed from WAL segments sealed with an older key is written as a block (its segments go), then one
    /// block under an older key is rewritten per call, as <see cref="ReencryptAsync"/> does; queries read the old
    /// block until the new one replaces it. A block that cannot be rewritten is skipped until the next start.
    /// </summary>
    /// <returns>Whether something was moved to the newest key (the loop then calls again at once).</returns>
    internal async Task<bool> ReencryptNextAsync(CancellationToken cancellationToken)
    {
        // (An empty head is not cut: its segments go with the next head that holds spans.)
        if (_wal.SegmentsUnderOlderKeys() > 0 && View.Head.SpanCount > 0)
        {
            await FlushHeadAsync().ConfigureAwait(false);
            return true;
        }
        return await Task.Run(() =>
        {
            lock (_compactionGate)
            {
                var active = _options.Keys.Active;
                if (View.Blocks.FirstOrDefault(b => b.Key != active && !_reencryptFailures.Contains(b)) is not { } block) return false;
                if (!ReencryptBlock(block, cancellationToken)) _reencryptFailures.Add(block);
                _rollups.Retain(View.Blocks);
                return true;
            }
        }, CancellationToken.None).ConfigureAwait(false);
    }

    /// <summary>Blocks the background re-encryption could not rewrite (guarded by the compaction gate).</summary>
    private readonly HashSet<BlockReader> _reencryptFailures = [];

    /// <summary>Rewrites one block under the newest key; false when it is damaged and stays as it is (caller holds the compaction gate).</summary>
    private bool ReencryptBlock(BlockReader block, CancellationToken cancellationToken)
    {
        var active = _options.Keys.Active;
        if (block.DamagedGroups > 0) return false;
        BlockReader replacement;
        try
        {
            replacement = _blocks.Write(Path.GetFileName(block.Path),
                (path, key) => BlockMerger.Merge([block], path, _options.RowGroupSpans, key, cancellationToken));
        }
        catch (InvalidDataException e)
        {
            _logger.LogWarning(e, "block {Path} cannot be re-encrypted; it stays under key {Key}", block.Path, block.Key?.Id ?? "(none)");
            return false;
        }
        lock (_viewGate)
        {
            _view = _view with { Blocks = _view.Blocks.Replace(block, replacement) };
        }
        _blocks.Retire(block);
        _logger.LogInformation("re-encrypted block {Path} from key {Old} to {New}", block.Path, block.Key?.Id ?? "(none)", active?.Id ?? "(none)");
        return true;
    }
}
