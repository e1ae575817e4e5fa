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
/// <remarks>
/// Two readings of the numbers: the <c>nestedSet*</c> intrinsics are Tempo's (<see cref="NestedSetLeft"/>: zeros off a
/// root's tree), while the structural operators read <see cref="TreeLeft"/>, the same numbering continued over each
/// subtree whose top span's parent is missing from the trace (an open watch's handler, whose caller has not ended;
/// a request from a component that propagates the context but exports no spans), so <c>{ a } &gt; { b }</c> finds
/// every child whose parent is there, as the service graph and the dependencies API count them (TraceSpans).
/// </remarks>
public sealed class SpanRecord(ResourceSpans resource, ScopeSpans scope, Span span, TraceFacts trace, int index)
{
    public ResourceSpans Resource { get; } = resource;
    public ScopeSpans Scope { get; } = scope;
    public Span Span { get; } = span;
    public TraceFacts Trace { get; } = trace;

    /// <summary>Position in the stored trace (spansets keep this order).</summary>
    public int Index { get; } = index;

    /// <summary>Tempo's <c>nestedSetLeft</c>: <see cref="TreeLeft"/> on a root's tree, else 0.</summary>
    public int NestedSetLeft => Rooted ? TreeLeft : 0;

    public int NestedSetRight => Rooted ? TreeRight : 0;

    public int NestedSetParent => Rooted ? TreeParent : 0;

    public int ChildCount { get; set; }

    /// <summary>
    /// The span's place in the tree the structural operators read: its left and right bounds and its parent's left
    /// bound, -1 under no parent (a root), 0 under a parent missing from the trace; all 0 for a span in no tree (a
    /// cycle, a span that is its own parent, a trace whose span ids repeat more than twice).
    /// </summary>
    internal int TreeLeft { get; set; }

    internal int TreeRight { get; set; }

    internal int TreeParent { get; set; }

    /// <summary>On the tree of a root (a span without a parent): Tempo numbers these only.</summary>
    internal bool Rooted { get; set; }

    public long StartUnixNano => (long)Span.StartTimeUnixNano;

    public long DurationNanos => (long)(Span.EndTimeUnixNano - Math.Min(Span.StartTimeUnixNano, Span.EndTimeUnixNano));

    public string ServiceName => SpanView.ServiceNameOf(Resource);

    public override string ToString() => $"{Span.Name} [{TreeLeft},{TreeRight}] parent {TreeParent}{(Rooted ? "" : " (off a root's tree)")}";
}
