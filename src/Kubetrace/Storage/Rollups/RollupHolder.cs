using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// Another part of the store (a head or a block) that may hold spans of the traces of the block being rolled up:
/// probed trace by trace, for the spans it adds and for whether it keeps the block from owning the trace.
/// </summary>
internal sealed class RollupHolder
{
    private readonly BlockReader? _block;
    private readonly SpanScanRequest _request;
    private readonly RollupSidecar?[] _sidecars;
    private IScanCursor? _cursor;
    private int _ordinal;
    private ulong _start;

    private RollupHolder(BlockReader? block, IScanCursor? cursor, SpanScanRequest request, RollupSidecar?[] sidecars, PartOrder order)
    {
        _block = block;
        _cursor = cursor;
        _request = request;
        _sidecars = sidecars;
        Order = order;
    }

    public PartOrder Order { get; }

    /// <summary>The cursor on the trace of the last successful <see cref="Seek"/>.</summary>
    public IScanCursor Cursor => _cursor!;

    /// <param name="rollups">The rollups being built; the block's valid ones among them are looked up in <paramref name="catalog"/>.</param>
    public static RollupHolder ForBlock(BlockReader block, SpanScanRequest request, IReadOnlyList<IRollup> rollups, RollupCatalog catalog) =>
        new(block, null, request, rollups.Select(r => catalog.Find(block, r.Id)).ToArray(), PartOrder.Of(block));

    /// <summary>A head never has a rollup: it competes for ownership by its spans' start alone.</summary>
    public static RollupHolder ForHead(HeadBlock head, SpanScanRequest request, int rollups) =>
        new(null, new HeadScanCursor(head, request), request, new RollupSidecar?[rollups], PartOrder.Of(head));

    /// <summary>Moves to <paramref name="traceId"/>; false when this part does not hold it.</summary>
    public bool Seek(UInt128 traceId)
    {
        if (_block is null)
        {
            if (!_cursor!.Seek(traceId)) return false;
        }
        else
        {
            // The trace table alone answers most probes: the block's cursor (dictionaries) is made on the first hit.
            _ordinal = _block.FindTrace(traceId, out _);
            if (_ordinal < 0) return false;
            var cursor = (BlockScanCursor)(_cursor ??= new BlockScanCursor(_block, _request, probing: true));
            cursor.MoveTo(_ordinal);
        }
        _start = _cursor.EarliestStart;
        return true;
    }

    /// <summary>
    /// Whether this part keeps the block being built (whose earliest span of the trace starts at
    /// <paramref name="start"/>) from owning the current trace for rollup <paramref name="rollup"/>: a part with a
    /// valid rollup decides by its own ownership (it counted the trace, or left it to others); a part without one
    /// when it holds an earlier span of the trace (ties: the older part), because it will own the trace itself.
    /// </summary>
    public bool Prevents(int rollup, ulong start, PartOrder order) =>
        _sidecars[rollup] is { } sidecar ? sidecar.Claims(_ordinal)
            : _start < start || (_start == start && Order.CompareTo(order) < 0);
}

/// <summary>Which of two parts is older when their spans of a trace start at the same time: blocks before heads,
/// then by WAL segments (ingest order; a merged block takes its oldest source's place).</summary>
internal readonly record struct PartOrder(bool IsHead, long FirstSegment, long LastSegment) : IComparable<PartOrder>
{
    public static PartOrder Of(BlockReader block) => new(false, block.FirstSegment, block.LastSegment);

    public static PartOrder Of(HeadBlock head) => new(true, head.FirstSegment, head.LastSegment);

    public int CompareTo(PartOrder other) =>
        IsHead != other.IsHead ? IsHead.CompareTo(other.IsHead)
        : FirstSegment != other.FirstSegment ? FirstSegment.CompareTo(other.FirstSegment)
        : LastSegment.CompareTo(other.LastSegment);
}
