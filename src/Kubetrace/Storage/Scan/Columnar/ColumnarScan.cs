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

    public static void Run(StoreView view, SpanScanRequest request, Action<ScannedTrace> visitor,
        CancellationToken cancellationToken)
    {
        var spread = TraceSpread.Ticks * 100;
        var reach = new TimeRange(Math.Max(0, request.Range.StartUnixNano - spread),
            request.Range.EndUnixNano > long.MaxValue - spread ? long.MaxValue : request.Range.EndUnixNano + spread);
        var cursors = new List<IScanCursor>();
        foreach (var head in new[] { view.Head }.Concat(view.Flushing))
            if (head.SpanCount > 0 && reach.Overlaps((long)head.MinStart, (long)Math.Min(head.MaxEnd, long.MaxValue)))
                cursors.Add(new HeadScanCursor(head, request));
        foreach (var block in view.Blocks)
            if (block.TraceCount > 0 && reach.Overlaps((long)block.MinStart, (long)Math.Min(block.MaxEnd, long.MaxValue)))
                cursors.Add(new BlockScanCursor(block, request));
        Merge(cursors, request, visitor, cancellationToken);
    }

    private static void Merge(List<IScanCursor> cursors, SpanScanRequest request, Action<ScannedTrace> visitor,
        CancellationToken cancellationToken)
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

            if (Wanted(parts, request))
            {
                buffer.Start(new TraceId(traceId));
                foreach (var part in parts) part.AddSpans(buffer);
                if (buffer.Trace.Spans.Count > 0) visitor(buffer.Trace);
            }
            foreach (var part in parts)
                if (part.MoveNext()) queue.Enqueue(part, part.Current);
            if ((++traces & 0xFFF) == 0) cancellationToken.ThrowIfCancellationRequested();
        }
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
