using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Rollups;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A block whose rollup stands in for its owned traces in a rolled-up scan. Its cursor is not merged (that would
/// walk every trace ID of the block); instead each trace the merge of the other parts delivers is looked up in
/// its trace table, for the few traces split between it and other parts: a trace it owns is not delivered (the
/// rollup counted it), a trace it holds but does not own gets its spans from here.
/// </summary>
internal sealed class RolledUpBlock(BlockReader block, RollupSidecar rollup)
{
    private BlockScanCursor? _cursor;

    public BlockReader Block => block;

    /// <summary>
    /// The block's cursor on <paramref name="traceId"/> when the block holds spans of it that are not in the
    /// rollup; null when it does not hold the trace, or when the rollup counted it (<paramref name="counted"/>).
    /// </summary>
    public BlockScanCursor? Probe(UInt128 traceId, SpanScanRequest request, out bool counted)
    {
        counted = false;
        var trace = block.Footer.Traces.Find(traceId);
        if (trace < 0) return null;
        if (rollup.Claims(trace))
        {
            counted = true;
            return null;
        }
        _cursor ??= new BlockScanCursor(block, request, probing: true);
        _cursor.MoveTo(trace);
        return _cursor;
    }
}
