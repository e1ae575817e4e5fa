using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Query.TraceQl;

/// <summary>Turns a stored trace into <see cref="SpanRecord"/>s with nested-set numbers, as Tempo computes them at ingest.</summary>
public static class TraceSpans
{
    public static List<SpanRecord> Build(IReadOnlyList<ResourceSpans> trace)
    {
        var views = SpanView.All(DuplicateSpans.Remove(trace)).ToList();
        var facts = Facts(views);
        var spans = new List<SpanRecord>(views.Count);
        foreach (var view in views) spans.Add(new SpanRecord(view.Resource, view.Scope, view.Span, facts, spans.Count));
        AssignNestedSets(spans);
        return spans;
    }

    /// <summary>
    /// A root has no parent (an all-zero parent id counts as none); a span whose own id is all zeros is invalid and
    /// never a root, so a span claiming itself as parent stays disconnected.
    /// </summary>
    private static bool IsRoot(Span span) =>
        (span.ParentSpanId.IsEmpty || span.ParentSpanId.Span.IndexOfAnyExcept((byte)0) < 0) && span.SpanId.Span.IndexOfAnyExcept((byte)0) >= 0;

    private static TraceFacts Facts(List<SpanView> views)
    {
        var traceId = views.Count > 0 ? views[0].Span.TraceId.ToByteArray() : [];
        if (views.Count == 0) return new TraceFacts { TraceId = traceId };
        var start = views.Min(v => (long)v.Span.StartTimeUnixNano);
        var end = views.Max(v => (long)v.Span.EndTimeUnixNano);
        SpanView? root = null;
        foreach (var view in views)
            if (IsRoot(view.Span) && (root is null || view.Span.StartTimeUnixNano < root.Value.Span.StartTimeUnixNano)) root = view;
        return new TraceFacts
        {
            TraceId = traceId,
            RootName = root?.Span.Name ?? "",
            RootService = root?.ServiceName ?? "",
            HasRoot = root is not null,
            StartUnixNano = start,
            DurationNanos = end - start,
        };
    }

    /// <summary>
    /// Depth-first numbering from each root (Tempo's assignNestedSetModelBounds): entering a span takes the next
    /// number as its left bound, leaving it the next as its right; the parent is the parent's left bound. Tempo stops
    /// there: spans that no root reaches keep zeros, so a span under a missing parent, and everything below it, takes
    /// part in no structural relation, and a trace without a root in none at all. The numbering goes on, after the
    /// roots', from each span whose parent is missing (parent 0: unknown), so the structural operators relate every
    /// span to the parent it names when that parent is in the trace; the <c>nestedSet*</c> intrinsics and
    /// <c>childCount</c> stay Tempo's (<see cref="SpanRecord.Rooted"/>). Span ids seen more than twice make the tree
    /// unusable: nothing is numbered, as in Tempo.
    /// </summary>
    private static void AssignNestedSets(List<SpanRecord> spans)
    {
        var byId = new Dictionary<ulong, List<SpanRecord>>(spans.Count);
        var roots = new List<SpanRecord>();
        foreach (var span in spans)
        {
            if (IsRoot(span.Span)) roots.Add(span);
            var id = IdOf(span.Span.SpanId.Span);
            if (!byId.TryGetValue(id, out var list)) byId[id] = list = new List<SpanRecord>(1);
            list.Add(span);
            if (list.Count > 2) return;
        }
        var children = new Dictionary<SpanRecord, List<SpanRecord>>();
        var underMissingParents = new List<SpanRecord>();
        foreach (var span in spans)
        {
            if (IsRoot(span.Span)) continue;
            if (FindParent(byId, span) is not { } parent)
            {
                underMissingParents.Add(span);
                continue;
            }
            if (!children.TryGetValue(parent, out var list)) children[parent] = list = [];
            list.Add(span);
        }
        // Tempo counts children only in a trace with a root.
        if (roots.Count > 0)
            foreach (var (parent, list) in children) parent.ChildCount = list.Count;
        var bound = 1;
        foreach (var root in roots) bound = Number(root, -1, rooted: true, children, bound);
        foreach (var top in underMissingParents) bound = Number(top, 0, rooted: false, children, bound);
    }

    /// <summary>Numbers the tree below <paramref name="top"/> from <paramref name="bound"/>; the next free number.</summary>
    private static int Number(SpanRecord top, int parent, bool rooted, Dictionary<SpanRecord, List<SpanRecord>> children, int bound)
    {
        top.TreeLeft = bound++;
        top.TreeParent = parent;
        top.Rooted = rooted;
        var stack = new Stack<(SpanRecord Span, int NextChild)>();
        stack.Push((top, 0));
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (children.TryGetValue(node, out var list) && next < list.Count)
            {
                stack.Push((node, next + 1));
                var child = list[next];
                if (child.TreeLeft != 0) continue; // a cycle: never number a span twice
                child.TreeLeft = bound++;
                child.TreeParent = node.TreeLeft;
                child.Rooted = rooted;
                stack.Push((child, 0));
            }
            else node.TreeRight = bound++;
        }
        return bound;
    }

    /// <summary>The parent span; of two spans sharing an id (Zipkin client/server), the one of the other kind.</summary>
    private static SpanRecord? FindParent(Dictionary<ulong, List<SpanRecord>> byId, SpanRecord span)
    {
        if (!byId.TryGetValue(IdOf(span.Span.ParentSpanId.Span), out var candidates)) return null;
        if (candidates.Count == 1) return candidates[0];
        var want = span.Span.Kind == Span.Types.SpanKind.Server ? Span.Types.SpanKind.Client : Span.Types.SpanKind.Server;
        return candidates.FirstOrDefault(c => c.Span.Kind == want);
    }

    private static ulong IdOf(ReadOnlySpan<byte> id)
    {
        ulong value = 0;
        foreach (var b in id) value = value << 8 | b;
        return value;
    }
}
