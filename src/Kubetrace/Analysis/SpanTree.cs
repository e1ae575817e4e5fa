using System.Globalization;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis;

/// <summary>
/// The parent/child structure of one trace's spans, for analyses that walk it (critical path, compare, object
/// timelines, pod start-up). Spans whose parent is not stored count as roots. Children are in start-time order.
/// </summary>
public sealed class SpanTree
{
    private readonly Dictionary<ulong, Node> _byId = [];

    public SpanTree(IEnumerable<ScannedSpan> spans)
    {
        foreach (var span in spans) _byId.TryAdd(span.SpanId, new Node(span));
        var roots = new List<Node>();
        foreach (var node in _byId.Values)
        {
            if (node.Span.ParentSpanId != 0 && node.Span.ParentSpanId != node.Span.SpanId
                && _byId.TryGetValue(node.Span.ParentSpanId, out var parent))
            {
                node.Parent = parent;
                parent.AddChild(node);
            }
            else roots.Add(node);
        }
        foreach (var node in _byId.Values) node.SortChildren();
        roots.Sort(ByStart);
        Roots = roots;
    }

    /// <summary>Spans without a stored parent, earliest first.</summary>
    public IReadOnlyList<Node> Roots { get; }

    public IEnumerable<Node> Nodes => _byId.Values;

    public Node? Find(ulong spanId) => _byId.GetValueOrDefault(spanId);

    /// <summary>The root that the trace's latency is measured on: the longest of the roots (a real root, if any).</summary>
    public Node? MainRoot => Roots.OrderByDescending(r => r.Span.IsRoot).ThenByDescending(r => r.Span.DurationNanos).FirstOrDefault();

    private static int ByStart(Node a, Node b)
    {
        var byStart = a.Span.StartUnixNano.CompareTo(b.Span.StartUnixNano);
        return byStart != 0 ? byStart : a.Span.SpanId.CompareTo(b.Span.SpanId);
    }

    public static string Hex(ulong spanId) => spanId.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>A span in the tree.</summary>
    /// <remarks>Most spans are leaves, so a node has no child list until it gets a child (pod start-up builds a tree per trace).</remarks>
    public sealed class Node(ScannedSpan span)
    {
        private static readonly IReadOnlyList<Node> NoChildren = [];
        private List<Node>? _children;

        public ScannedSpan Span { get; } = span;

        public Node? Parent { get; internal set; }

        public IReadOnlyList<Node> Children => _children is null ? NoChildren : _children;

        public int Depth => Parent is null ? 0 : Parent.Depth + 1;

        internal void AddChild(Node child) => (_children ??= []).Add(child);

        internal void SortChildren() => _children?.Sort(ByStart);

        /// <summary>Every span below this one, depth first in start order.</summary>
        public IEnumerable<Node> Descendants()
        {
            if (_children is null) yield break;
            var stack = new Stack<Node>();
            PushChildren(stack, this);
            while (stack.TryPop(out var node))
            {
                yield return node;
                PushChildren(stack, node);
            }
        }

        private static void PushChildren(Stack<Node> stack, Node node)
        {
            if (node._children is not { } children) return;
            for (var i = children.Count - 1; i >= 0; i--) stack.Push(children[i]);
        }

        /// <summary>The parent, its parent, … up to the root.</summary>
        public IEnumerable<Node> Ancestors()
        {
            for (var node = Parent; node is not null; node = node.Parent) yield return node;
        }

        /// <summary>
        /// Time this span spent on its own: its duration minus the union of its children's intervals (clipped to
        /// the span), so concurrent children are not subtracted twice. Children are already in start order.
        /// </summary>
        public long SelfNanos()
        {
            long start = Span.StartUnixNano, end = Span.EndUnixNano, covered = 0, cursor = start;
            if (_children is not null)
                foreach (var child in _children)
                {
                    var from = Math.Max(cursor, Math.Max(start, child.Span.StartUnixNano));
                    var to = Math.Min(end, child.Span.EndUnixNano);
                    if (to <= from) continue;
                    covered += to - from;
                    cursor = to;
                }
            return Math.Max(0, end - start - covered);
        }
    }
}
