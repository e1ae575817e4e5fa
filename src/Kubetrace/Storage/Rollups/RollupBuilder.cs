using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Scan;
using Kubetrace.Storage.Scan.Columnar;

namespace Kubetrace.Storage.Rollups;

/// <summary>
/// Builds the missing rollups of one settled block in one pass: walks the block's traces, keeps those it owns,
/// gathers each owned trace whole (its spans in every part within <see cref="ColumnarScan.TraceSpread"/>, heads
/// included), feeds it to the accumulators and writes one sidecar per rollup.
/// </summary>
/// <remarks>
/// Ownership makes every trace count in exactly one rollup. The block owns a trace unless another part holds an
/// earlier span of it and has no rollup yet (that part owns it when its turn comes: usually the part with the
/// root span, which starts first and, ending last, arrives last), or another block's rollup already counted it.
/// Built rollups are never revised: spans of a trace arriving after its owner's rollup was built are not counted
/// (the trace is not delivered again either), which is why only settled blocks are rolled up.
/// </remarks>
internal static class RollupBuilder
{
    public static List<RollupSidecar> Build(StoreView view, BlockReader block, IReadOnlyList<IRollup> rollups, RollupCatalog catalog,
        CancellationToken cancellationToken)
    {
        var keys = RollupProjection.Union(rollups);
        var request = new SpanScanRequest(TimeRange.All, keys);
        var holders = Holders(view, block, request, rollups, catalog);
        var order = PartOrder.Of(block);
        var accumulators = rollups.Select(r => r.CreateAccumulator()).ToArray();
        var projections = rollups.Select(r => new RollupProjection(r.AttributeKeys, keys)).ToArray();
        var drafts = rollups.Select(_ => new RollupDraft(block.TraceCount)).ToArray();
        var owns = new bool[rollups.Count];
        var present = new List<RollupHolder>();
        var buffer = new TraceBuffer(keys);
        var own = new BlockScanCursor(block, request);
        var traces = 0;
        while (own.MoveNext())
        {
            if ((++traces & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
            var traceId = own.Current;
            var start = own.EarliestStart;
            Array.Fill(owns, true);
            var owned = owns.Length;
            present.Clear();
            foreach (var holder in holders)
            {
                if (!holder.Seek(traceId)) continue;
                present.Add(holder);
                for (var r = 0; r < owns.Length; r++)
                    if (owns[r] && holder.Prevents(r, start, order))
                    {
                        owns[r] = false;
                        owned--;
                    }
            }
            if (owned == 0) continue;

            buffer.Start(new TraceId(traceId));
            own.AddSpans(buffer);
            foreach (var holder in present) holder.Cursor.AddSpans(buffer);
            if (buffer.Trace.Spans.Count == 0) continue; // its row group is unreadable (logged): scans skip it too
            ulong min = ulong.MaxValue, max = 0;
            foreach (var span in buffer.Trace.Spans)
            {
                min = Math.Min(min, (ulong)span.StartUnixNano);
                max = Math.Max(max, (ulong)span.StartUnixNano);
            }
            for (var r = 0; r < owns.Length; r++)
            {
                if (!owns[r]) continue;
                accumulators[r].Add(projections[r].Project(buffer.Trace));
                drafts[r].Own(own.Ordinal, min, max);
            }
        }

        var written = new List<RollupSidecar>(rollups.Count);
        for (var r = 0; r < rollups.Count; r++)
            written.Add(RollupSidecar.Write(RollupFiles.PathFor(block.Path, rollups[r].Id), rollups[r].Id, block, drafts[r],
                accumulators[r].ToBytes()));
        return written;
    }

    /// <summary>The other parts that may hold spans of the block's traces: those within the trace spread of it.</summary>
    private static List<RollupHolder> Holders(StoreView view, BlockReader block, SpanScanRequest request, IReadOnlyList<IRollup> rollups,
        RollupCatalog catalog)
    {
        var reach = ColumnarScan.Reach(new TimeRange((long)Math.Min(block.MinStart, long.MaxValue), (long)Math.Min(block.MaxEnd, long.MaxValue - 1) + 1));
        var holders = new List<RollupHolder>();
        foreach (var head in new[] { view.Head }.Concat(view.Flushing))
            if (head.SpanCount > 0 && ColumnarScan.InReach(reach, head.MinStart, head.MaxEnd))
                holders.Add(RollupHolder.ForHead(head, request, rollups.Count));
        foreach (var other in view.Blocks)
            if (!ReferenceEquals(other, block) && other.TraceCount > 0 && ColumnarScan.InReach(reach, other.MinStart, other.MaxEnd))
                holders.Add(RollupHolder.ForBlock(other, request, rollups, catalog));
        return holders;
    }
}
