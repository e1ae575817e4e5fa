using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Cli.Query;

/// <summary>One span placed in its trace: depth in the tree and whether it is the last of its siblings (for the guides).</summary>
public sealed record TraceTreeRow(string Service, string Name, long StartNanos, long DurationNanos, bool IsError, int Depth, IReadOnlyList<bool> LastAtLevel);

/// <summary>
/// The spans of one trace in display order: depth first, siblings by start time. A span whose parent is not in
/// the trace (the root, or an orphan whose parent has not arrived) starts a tree of its own, so nothing is hidden.
/// </summary>
public sealed class TraceTree
{
    private TraceTree(IReadOnlyList<TraceTreeRow> rows, long start, long end)
    {
        Rows = rows;
        StartNanos = start;
        EndNanos = end;
    }

    public IReadOnlyList<TraceTreeRow> Rows { get; }

    public long StartNanos { get; }

    public long EndNanos { get; }

    public long DurationNanos => EndNanos - StartNanos;

    public static TraceTree From(ExportTraceServiceRequest trace)
    {
        var spans = new List<(Span Span, string Service)>();
        foreach (var resource in trace.ResourceSpans)
        {
            var service = resource.Resource?.Attributes.FirstOrDefault(a => a.Key == "service.name")?.Value?.StringValue;
            foreach (var scope in resource.ScopeSpans)
                foreach (var span in scope.Spans)
                    spans.Add((span, string.IsNullOrEmpty(service) ? "unknown_service" : service));
        }
        if (spans.Count == 0) return new TraceTree([], 0, 0);

        var ids = spans.Select(s => s.Span.SpanId).ToHashSet();
        var children = spans.ToLookup(s => ids.Contains(s.Span.ParentSpanId) && s.Span.ParentSpanId != s.Span.SpanId ? s.Span.ParentSpanId : null);
        var rows = new List<TraceTreeRow>(spans.Count);
        var visited = new HashSet<Google.Protobuf.ByteString>();
        void Visit((Span Span, string Service) node, List<bool> lastAtLevel)
        {
            if (!visited.Add(node.Span.SpanId)) return; // duplicate span IDs or a cycle: show each once
            var span = node.Span;
            rows.Add(new TraceTreeRow(node.Service, span.Name, (long)span.StartTimeUnixNano, Duration(span),
                span.Status?.Code == Status.Types.StatusCode.Error, lastAtLevel.Count, lastAtLevel.ToArray()));
            var kids = InStartOrder(children[span.SpanId]);
            for (var i = 0; i < kids.Count; i++) Visit(kids[i], [.. lastAtLevel, i == kids.Count - 1]);
        }
        foreach (var root in InStartOrder(children[null])) Visit(root, []);
        // Spans caught in a parent cycle have no root above them; list them rather than lose them.
        foreach (var rest in InStartOrder(spans.Where(s => !visited.Contains(s.Span.SpanId)))) Visit(rest, []);

        var start = spans.Min(s => (long)s.Span.StartTimeUnixNano);
        var end = spans.Max(s => (long)s.Span.StartTimeUnixNano + Duration(s.Span));
        return new TraceTree(rows, start, end);
    }

    private static long Duration(Span span) =>
        span.EndTimeUnixNano > span.StartTimeUnixNano ? (long)(span.EndTimeUnixNano - span.StartTimeUnixNano) : 0;

    private static List<(Span Span, string Service)> InStartOrder(IEnumerable<(Span Span, string Service)> spans) =>
        spans.OrderBy(s => s.Span.StartTimeUnixNano).ThenBy(s => s.Span.Name, StringComparer.Ordinal).ToList();
}
