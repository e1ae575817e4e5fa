namespace Kubetrace.Analysis.CriticalPath;

/// <summary>A stretch of time during which a span on the critical path was working on its own.</summary>
public readonly record struct PathSegment(long StartUnixNano, long EndUnixNano)
{
    public long Nanos => EndUnixNano - StartUnixNano;
}

/// <summary>
/// Finds the chain of spans that set a trace's end-to-end latency. Walking back from the end of a span: the
/// child that finished last before the cursor is on the path (a concurrent sibling that finished later than that
/// child started is not: it was not waited for after it); time between children is the parent's own; then the
/// cursor moves to the child's start and the next earlier-finishing child is taken. Children are clipped to
/// their parent's (skew-corrected) interval, so the segments partition the root's duration exactly.
/// </summary>
public sealed class CriticalPathFinder(ClockSkewAdjuster times)
{
    private readonly Dictionary<SpanTree.Node, (long Start, List<PathSegment> Segments)> _segments = [];
    private readonly List<SpanTree.Node> _clipped = [];

    /// <summary>Spans on the path with the segments they own, in the order the path enters them.</summary>
    public IReadOnlyList<(SpanTree.Node Node, IReadOnlyList<PathSegment> Segments)> Find(SpanTree.Node root)
    {
        _segments.Clear();
        _clipped.Clear();
        var (start, end) = times.TimesOf(root);
        Walk(root, start, end);
        return _segments
            .OrderBy(p => p.Value.Start)
            .ThenBy(p => p.Key.Depth)
            .Select(p => (p.Key, (IReadOnlyList<PathSegment>)p.Value.Segments.OrderBy(s => s.StartUnixNano).ToList()))
            .ToList();
    }

    /// <summary>Spans on the path that reached outside their parent even after skew correction (counted inside only).</summary>
    public IReadOnlyList<SpanTree.Node> Clipped => _clipped.Where(_segments.ContainsKey).ToList();

    private void Walk(SpanTree.Node node, long start, long end)
    {
        var segments = new List<PathSegment>();
        _segments[node] = (start, segments);
        var children = node.Children
            .Select(child => (Child: child, Times: Clip(child, start, end)))
            .Where(c => c.Times.End > c.Times.Start)
            .OrderByDescending(c => c.Times.End)
            .ThenByDescending(c => c.Times.Start)
            .ToList();
        var cursor = end;
        foreach (var (child, (childStart, childEnd)) in children)
        {
            if (childEnd > cursor) continue; // ran concurrently with a later child on the path
            if (cursor > childEnd) segments.Add(new PathSegment(childEnd, cursor));
            Walk(child, childStart, childEnd);
            cursor = childStart;
            if (cursor <= start) break;
        }
        if (cursor > start) segments.Add(new PathSegment(start, cursor));
    }

    private (long Start, long End) Clip(SpanTree.Node child, long parentStart, long parentEnd)
    {
        var (start, end) = times.TimesOf(child);
        var clipped = (Math.Max(start, parentStart), Math.Min(end, parentEnd));
        if (clipped != (start, end) && clipped.Item2 > clipped.Item1 && !_clipped.Contains(child)) _clipped.Add(child);
        return clipped;
    }
}
