using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Rollups;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// A block whose rollup stands in for its owned traces in a rolled-up scan. As a merge cursor it walks only the
/// traces the rollup did not count (a few: those whose earliest span is in another part), so that their spans here
/// join the trace wherever it is owned, and a trace whose owner is gone (retention) is still delivered; the owned
/// traces, nearly all of the block, are skipped by the rollup's bitmap without reading anything.
/// </summary>
internal sealed class RolledUpBlock(BlockReader block, RollupSidecar rollup, SpanScanRequest request) : IScanCursor
{
    private BlockScanCursor? _cursor;
    private int _trace = -1;

    public BlockReader Block => block;

    /// <summary>Whether the rollup counted <paramref name="traceId"/> (then no part may deliver it).</summary>
    public bool Counted(UInt128 traceId)
    {
        var trace = block.FindTrace(traceId, out _);
        return trace >= 0 && rollup.Claims(trace);
    }

    public UInt128 Current => block.Footer.Traces.Ids[_trace];

    public bool MoveNext()
    {
        var count = block.TraceCount;
        var owned = rollup.Owned;
        while (++_trace < count)
        {
            var bits = owned[_trace >> 3];
            if (bits == 0xFF && (_trace & 7) == 0)
            {
                _trace += 7; // eight owned traces at once
                continue;
            }
            if ((bits & (1 << (_trace & 7))) != 0) continue;
            (_cursor ??= new BlockScanCursor(block, request, probing: true)).MoveTo(_trace);
            return true;
        }
        return false;
    }

    public bool HasSpanStartingIn(TimeRange range) => _cursor!.HasSpanStartingIn(range);

    public bool HasRequestedService() => _cursor!.HasRequestedService();

    public void AddSpans(TraceBuffer buffer) => _cursor!.AddSpans(buffer);

    public bool Seek(UInt128 traceId)
    {
        var trace = block.FindTrace(traceId, out _);
        if (trace < 0 || rollup.Claims(trace)) return false;
        (_cursor ??= new BlockScanCursor(block, request, probing: true)).MoveTo(_trace = trace);
        return true;
    }

    public ulong EarliestStart => _cursor!.EarliestStart;
}
