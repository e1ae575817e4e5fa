using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// The embedded store's span scan: a merge of every part's traces by trace ID (blocks are sorted by trace ID,
/// heads are sorted when the scan starts), so that a trace whose spans are in the head and in several blocks is
/// delivered once and whole. Blocks are read column by column and only where needed (see
/// <see cref="BlockScanCursor"/>); nothing goes through Google.Protobuf objects or the row-group cache.
/// </summary>
internal static class ColumnarScan
{
    /// <summary>
    /// How far outside the range a part may hold spans of a trace that has a span in the range. Parts ending
    /// longer before the range (or starting after it) are not read at all, so a scan of the last hour does not
    /// walk days of blocks; a trace spread over more than this loses its spans in the skipped parts.
    /// </summary>
    public static readonly TimeSpan TraceSpread = TimeSpan.FromMinutes(15);

    /// <param name="rolledUp">Blocks whose rollup the caller merges instead (<see cref="RolledUpBlock"/>): their
    /// owned traces are not delivered, their other spans are added to the traces delivered.</param>
    public static void Run(StoreView view, SpanScanRequest request, Action<ScannedTrace> visitor,
        CancellationToken cancellationToken, IReadOnlyList<RolledUpBlock>? rolledUp = null)
    {
        rolledUp ??= [];
        var spread = TraceSpread.Ticks * 100;
        var reach = new TimeRange(Math.Max(0, request.Range.StartUnixNano - spread),
            request.Range.EndUnixNano > long.MaxValue - spread ? long.MaxValue : request.Range.EndUnixNano + spread);
        var cursors = new List<IScanCursor>();
        foreach (var head in new[] { view.Head }.Concat(view.Flushing))
            if (head.SpanCount > 0 && reach.Overlaps((long)head.MinStart, (long)Math.Min(head.MaxEnd, long.MaxValue)))
                cursors.Add(new HeadScanCursor(head, request));
        foreach (var block in view.Blocks)
            if (block.TraceCount > 0 && !rolledUp.Any(r => ReferenceEquals(r.Block, block)) && reach.Overlaps((long)block.MinStart, (long)Math.Min(block.MaxEnd, long.MaxValue)))
                cursors.Add(new BlockScanCursor(block, request));
        Merge(cursors, rolledUp, request, visitor, cancellationToken);
    }

    private static void Merge(List<IScanCursor> cursors, IReadOnlyList<RolledUpBlock> rolledUp, SpanScanRequest request,
        Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var queue = new PriorityQueue<IScanCursor, UInt128>(cursors.Count);
        foreach (var cursor in cursors)
            if (cursor.MoveNext()) queue.Enqueue(cursor, cursor.Current);
        var buffer = new TraceBuffer(request.AttributeKeys.Count);
        var parts = new List<IScanCursor>();
        var traces = 0;
        while (queue.TryDequeue(out var first, out var traceId))
        {
            parts.Clear();
            parts.Add(first);
            while (queue.TryPeek(out var next, out var nextId) && nextId == traceId)
                parts.Add(queue.Dequeue());

            // Probing the rolled-up blocks may add parts; they are not merge cursors, so they are not advanced.
            var merged = parts.Count;
            if (Probe(rolledUp, traceId, request, parts) && Wanted(parts, request))
            {
                buffer.Start(new TraceId(traceId));
                foreach (var part in parts) part.AddSpans(buffer);
                if (buffer.Trace.Spans.Count > 0) visitor(buffer.Trace);
            }
            for (var i = 0; i < merged; i++)
                if (parts[i].MoveNext()) queue.Enqueue(parts[i], parts[i].Current);
            if ((++traces & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>Adds the rolled-up blocks' spans of a trace not counted in their rollups; false when one counted it.</summary>
    private static bool Probe(IReadOnlyList<RolledUpBlock> rolledUp, UInt128 traceId, SpanScanRequest request, List<IScanCursor> parts)
    {
        foreach (var block in rolledUp)
        {
            if (block.Probe(traceId, request, out var counted) is { } cursor) parts.Add(cursor);
            else if (counted) return false;
        }
        return true;
    }

    private static bool Wanted(List<IScanCursor> parts, SpanScanRequest request)
    {
        var inRange = false;
        foreach (var part in parts)
            if (part.HasSpanStartingIn(request.Range))
            {
                inRange = true;
                break;
            }
        if (!inRange) return false;
        if (request.Services is null) return true;
        foreach (var part in parts)
            if (part.HasRequestedService()) return true;
        return false;
    }
}
