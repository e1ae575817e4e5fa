namespace Kubetrace.Analysis.CriticalPath;

/// <summary>A span moved in time because its component's clock disagrees with its parent's.</summary>
public sealed record SkewAdjustment(string SpanId, string Service, string Name, string ParentService, long ShiftNanos);

/// <summary>
/// Corrects clock skew between components the way Jaeger's clock-skew adjuster does: when a span from another
/// component (another host, or another service when hosts are unknown) does not fit inside its parent but is no
/// longer than it, it is shifted to sit in the middle of the parent (network latency assumed equal both ways), and
/// its descendants on the same clock move with it. A span from the same component, or one longer than its
/// parent, is left where it is (an asynchronous child: its clock is not the question).
/// </summary>
public sealed class ClockSkewAdjuster
{
    private readonly Func<SpanTree.Node, string> _clockOf;
    private readonly Dictionary<SpanTree.Node, (long Start, long End)> _times = [];
    private readonly List<SkewAdjustment> _adjustments = [];

    /// <param name="clockOf">The clock a span was timed with: its host when known, else its service.</param>
    public ClockSkewAdjuster(SpanTree tree, Func<SpanTree.Node, string> clockOf)
    {
        _clockOf = clockOf;
        foreach (var root in tree.Roots) Adjust(root, 0);
    }

    public IReadOnlyList<SkewAdjustment> Adjustments => _adjustments;

    /// <summary>The span's start and end after correction (Unix nanoseconds).</summary>
    public (long Start, long End) TimesOf(SpanTree.Node node) => _times[node];

    private void Adjust(SpanTree.Node root, long rootShift)
    {
        // Iterative: deep traces (long chains of internal spans) must not exhaust the stack.
        var pending = new Stack<(SpanTree.Node Node, long Shift)>();
        pending.Push((root, rootShift));
        while (pending.TryPop(out var item))
        {
            var (node, shift) = item;
            var start = node.Span.StartUnixNano + shift;
            var end = Math.Max(start, node.Span.EndUnixNano + shift);
            if (node.Parent is { } parent && _clockOf(node) != _clockOf(parent))
            {
                var skew = Skew(start, end, _times[parent]);
                if (skew != 0)
                {
                    shift += skew;
                    start += skew;
                    end += skew;
                    _adjustments.Add(new SkewAdjustment(SpanTree.Hex(node.Span.SpanId), node.Span.Service, node.Span.Name,
                        parent.Span.Service, skew));
                }
            }
            _times[node] = (start, end);
            foreach (var child in node.Children) pending.Push((child, shift));
        }
    }

    private static long Skew(long start, long end, (long Start, long End) parent)
    {
        var duration = end - start;
        var parentDuration = parent.End - parent.Start;
        if (duration > parentDuration) return 0; // cannot fit: an asynchronous child, not a clock
        if (start >= parent.Start && end <= parent.End) return 0;
        var latency = (parentDuration - duration) / 2;
        return parent.Start + latency - start;
    }
}
