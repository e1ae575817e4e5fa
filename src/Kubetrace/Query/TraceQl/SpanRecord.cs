using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Query.TraceQl;

/// <summary>What TraceQL knows of a trace as a whole: its root, its extent, its id.</summary>
public sealed class TraceFacts
{
    public required byte[] TraceId { get; init; }
    public string RootName { get; init; } = "";
    public string RootService { get; init; } = "";
    public long StartUnixNano { get; init; }
    public long DurationNanos { get; init; }
    public bool HasRoot { get; init; }
}

/// <summary>
/// A span as the TraceQL engine sees it: the stored OTLP span with its resource and scope, its place in the span
/// tree as nested-set numbers (Tempo's model: a span's left/right bound its descendants', the parent is named by its
/// left number, -1 for a root, 0 for a span not reachable from a root), and the trace it belongs to.
/// </summary>
public sealed class SpanRecord(ResourceSpans resource, ScopeSpans scope, Span span, TraceFacts trace, int index)
{
    public ResourceSpans Resource { get; } = resource;
    public ScopeSpans Scope { get; } = scope;
    public Span Span { get; } = span;
    public TraceFacts Trace { get; } = trace;

    /// <summary>Position in the stored trace (spansets keep this order).</summary>
    public int Index { get; } = index;

    public int NestedSetLeft { get; set; }
    public int NestedSetRight { get; set; }
    public int NestedSetParent { get; set; }
    public int ChildCount { get; set; }

    public long StartUnixNano => (long)Span.StartTimeUnixNano;

    public long DurationNanos => (long)(Span.EndTimeUnixNano - Math.Min(Span.StartTimeUnixNano, Span.EndTimeUnixNano));

    public string ServiceName => SpanView.ServiceNameOf(Resource);

    public override string ToString() => $"{Span.Name} [{NestedSetLeft},{NestedSetRight}] parent {NestedSetParent}";
}
