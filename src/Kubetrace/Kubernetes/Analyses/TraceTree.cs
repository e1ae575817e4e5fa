using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Parent and child links over a <see cref="ScannedTrace"/> (whose spans come in no order), by position in
/// <see cref="ScannedTrace.Spans"/>. One instance is reloaded for every trace of a scan, so walking millions of
/// traces allocates only when a trace is larger than any before.
/// </summary>
public sealed class TraceTree
{
    private readonly Dictionary<ulong, int> _bySpanId = [];
    private int[] _parent = new int[64];
    private int[] _firstChild = new int[64];
    private int[] _nextSibling = new int[64];

    public ScannedTrace Trace { get; private set; } = new();

    public int Count => Trace.Spans.Count;

    public ScannedSpan this[int index] => Trace.Spans[index];

    public void Load(ScannedTrace trace)
    {
        Trace = trace;
        var spans = trace.Spans;
        if (spans.Count > _parent.Length)
        {
            var size = Math.Max(spans.Count, _parent.Length * 2);
            _parent = new int[size];
            _firstChild = new int[size];
            _nextSibling = new int[size];
        }
        _bySpanId.Clear();
        for (var i = 0; i < spans.Count; i++)
        {
            _bySpanId[spans[i].SpanId] = i;
            _firstChild[i] = -1;
            _nextSibling[i] = -1;
        }
        // Children are linked in reverse order of position; callers that care about order sort by start time.
        for (var i = 0; i < spans.Count; i++)
        {
            var span = spans[i];
            var parent = span.ParentSpanId != 0 && span.ParentSpanId != span.SpanId && _bySpanId.TryGetValue(span.ParentSpanId, out var p) ? p : -1;
            _parent[i] = parent;
            if (parent < 0) continue;
            _nextSibling[i] = _firstChild[parent];
            _firstChild[parent] = i;
        }
    }

    /// <summary>The parent's position, or -1 for a root or a span whose parent was not stored.</summary>
    public int ParentOf(int index) => _parent[index];

    public int FirstChildOf(int index) => _firstChild[index];

    public int NextSiblingOf(int index) => _nextSibling[index];

    /// <summary>Adds the positions of <paramref name="root"/> and all its descendants to <paramref name="into"/>, parents before children.</summary>
    public void CollectSubtree(int root, List<int> into)
    {
        var from = into.Count;
        into.Add(root);
        for (var i = from; i < into.Count; i++)
            for (var child = _firstChild[into[i]]; child >= 0; child = _nextSibling[child])
                if (into.Count - from <= Count) into.Add(child); // a parent cycle in bad data cannot loop forever
    }
}
