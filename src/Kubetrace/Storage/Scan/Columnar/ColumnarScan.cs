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

    /// <param name="rolledUp">Blocks whose rollup the caller merges instead (<see cref="RolledUpBlock"/>): the traces
    /// their rollups counted are not delivered, whichever parts hold them; their other traces are.</param>
    public static void Run(StoreView view, SpanScanRequest request, Action<ScannedTrace> visitor,
        CancellationToken cancellationToken, IReadOnlyList<RolledUpBlock>? rolledUp = null)
    {
        rolledUp ??= [];
        var reach = Reach(request.Range);
        var cursors = new List<IScanCursor>();
        foreach (var head in new[] { view.Head }.Concat(view.Flushing))
            if (head.SpanCount > 0 && InReach(reach, head.MinStart, head.MaxEnd))
                cursors.Add(new HeadScanCursor(head, request));
        cursors.AddRange(rolledUp);
        foreach (var block in view.Blocks)
            if (block.TraceCount > 0 && !rolledUp.Any(r => ReferenceEquals(r.Block, block)) && InReach(reach, block.MinStart, block.MaxEnd))
                cursors.Add(new BlockScanCursor(block, request));
        Merge(cursors, rolledUp, request, visitor, cancellationToken);
    }

    /// <summary>The time in which parts are read for a range: the range widened by <see cref="TraceSpread"/>.</summary>
    public static TimeRange Reach(TimeRange range)
    {
        var spread = TraceSpread.Ticks * 100;
        return new TimeRange(Math.Max(0, range.StartUnixNano - spread),
            range.EndUnixNano > long.MaxValue - spread ? long.MaxValue : range.EndUnixNano + spread);
    }

    /// <summary>Whether a part whose spans lie in [<paramref name="minStart"/>, <paramref name="maxEnd"/>] is in reach.</summary>
    public static bool InReach(TimeRange reach, ulong minStart, ulong maxEnd) =>
        reach.Overlaps((long)Math.Min(minStart, long.MaxValue), (long)Math.Min(maxEnd, long.MaxValue));

    private static void Merge(List<IScanCursor> cursors, IReadOnlyList<RolledUpBlock> rolledUp, SpanScanRequest request,
        Action<ScannedTrace> visitor, CancellationToken cancellationToken)
    {
        var queue = new PriorityQueue<IScanCursor, UInt128>(cursors.Count);
        foreach (var cursor in cursors)
            if (cursor.MoveNext()) queue.Enqueue(cursor, cursor.Current);
        var buffer = new TraceBuffer(request.AttributeKeys);
        var parts = new List<IScanCursor>();
        var traces = 0;
        while (queue.TryDequeue(out var first, out var traceId))
        {
            parts.Clear();
            parts.Add(first);
            while (queue.TryPeek(out var next, out var nextId) && nextId == traceId)
                parts.Add(queue.Dequeue());

            if (!Counted(rolledUp, traceId) && Wanted(parts, request))
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

    /// <summary>Whether a rolled-up block's rollup counted the trace (a binary search in each one's trace table).</summary>
    private static bool Counted(IReadOnlyList<RolledUpBlock> rolledUp, UInt128 traceId)
    {
        foreach (var block in rolledUp)
            if (block.Counted(traceId)) return true;
        return false;
    }

    /// <summary>
    /// Services first: told from the footers without reading rows, so a trace of other services never makes a
    /// block decode a row group to check span starts at the range's edges (and <see cref="RowGroupsToRead"/> can
    /// tell in advance which groups a filtered scan reads).
    /// </summary>
    private static bool Wanted(List<IScanCursor> parts, SpanScanRequest request)
    {
        if (request.Services is not null && !AnyHasRequestedService(parts)) return false;
        foreach (var part in parts)
            if (part.HasSpanStartingIn(request.Range)) return true;
        return false;
    }

    private static bool AnyHasRequestedService(List<IScanCursor> parts)
    {
        foreach (var part in parts)
            if (part.HasRequestedService()) return true;
        return false;
    }
}
