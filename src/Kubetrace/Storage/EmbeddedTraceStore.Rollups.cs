using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Rollups;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Storage;

/// <summary>Per-block rollups: built in the background once a block has settled, merged by analyses (docs/storage.md).</summary>
public sealed partial class EmbeddedTraceStore
{
    /// <summary>
    /// The registered rollup's payload for every block whose rollup covers only spans starting in the range, then
    /// a scan as <see cref="ScanAsync"/> scans, less the traces those rollups counted (the rolled-up blocks are
    /// walked only for the traces they did not count). <see cref="SpanScanRequest.Services"/> narrows only the
    /// traces delivered to the visitor: a rollup counted every trace its block owns, so an analysis that filters
    /// by service must ignore (as its rollup does) traces without those services.
    /// </summary>
    public ValueTask ScanRolledUpAsync(SpanScanRequest request, IRollup rollup, Action<ScannedTrace> visitor,
        Action<ReadOnlyMemory<byte>> rolledUp, CancellationToken cancellationToken)
    {
        var view = View;
        var blocks = new List<RolledUpBlock>();
        var reach = ColumnarScan.Reach(request.Range);
        if (_rollups.IsRegistered(rollup.Id))
            foreach (var block in view.Blocks)
            {
                if (_rollups.Find(block, rollup.Id) is not { } sidecar || !sidecar.Serves(request) ||
                    !ColumnarScan.InReach(reach, block.MinStart, block.MaxEnd)) continue;
                byte[] payload;
                try
                {
                    payload = sidecar.ReadPayload();
                }
                catch (InvalidDataException e)
                {
                    _rollups.Discard(block, sidecar, e);
                    continue;
                }
                blocks.Add(new RolledUpBlock(block, sidecar, request));
                rolledUp(payload);
            }
        ColumnarScan.Run(view, request, visitor, cancellationToken, blocks);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Builds the missing rollups of settled blocks, oldest first (the maintenance loop calls it; tests too).
    /// Never runs twice at once, nor beside compaction. Returns the number of blocks rolled up.
    /// </summary>
    internal Task<int> BuildRollupsAsync(CancellationToken cancellationToken, int maxBlocks = int.MaxValue) => Task.Run(() =>
    {
        if (_rollups.Rollups.Count == 0) return 0;
        lock (_compactionGate)
        {
            var built = 0;
            while (built < maxBlocks && BuildNextRollup(cancellationToken)) built++;
            return built;
        }
    }, CancellationToken.None);

    /// <summary>Blocks a rollup threw on (guarded by the compaction gate, like every build).</summary>
    private readonly HashSet<BlockReader> _rollupFailures = [];

    private bool BuildNextRollup(CancellationToken cancellationToken)
    {
        var view = View;
        _rollups.Retain(view.Blocks);
        var now = _options.Clock.GetUtcNow();
        foreach (var block in view.Blocks.OrderBy(b => PartOrder.Of(b)))
        {
            if (block.TraceCount == 0 || _rollupFailures.Contains(block) || !_rollups.IsSettled(block, now, _options.RollupSettle)) continue;
            var missing = _rollups.Missing(block);
            if (missing.Count == 0) continue;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            try
            {
                foreach (var sidecar in RollupBuilder.Build(view, block, missing, _rollups, cancellationToken)) _rollups.Add(block, sidecar);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                _logger.LogWarning(e, "rolling up block {Path} failed; its traces are scanned until a later attempt succeeds", block.Path);
                return false;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A rollup that throws on this block's traces would throw again: not retried until the next start.
                _rollupFailures.Add(block);
                _logger.LogError(e, "rolling up block {Path} failed; its traces are scanned (not retried until a restart)", block.Path);
                return false;
            }
            _logger.LogDebug("rolled up block {Path} ({Spans} spans, {Rollups} rollups) in {Milliseconds} ms",
                block.Path, block.SpanCount, missing.Count, watch.ElapsedMilliseconds);
            return true;
        }
        return false;
    }
}
