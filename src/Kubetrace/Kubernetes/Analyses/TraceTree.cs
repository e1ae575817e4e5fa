using Kubetrace.Storage.Scan;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>
/// Parent and child links over a <see cref="ScannedTrace"/> (whose spans come in no order), by position in
/// <see cref="ScannedTrace.Spans"/>. One instance is reloaded for every trace of a scan, so walking millions of
/// traces allocates only when a trace is larger than any before. Parents are found by a vectorised search of
/// the span IDs in small traces (most hold a few dozen spans: cheaper than hashing each ID), by a hash beyond.
/// </summary>
public sealed class TraceTree
{
    private const int SearchedUpTo = 48;

    private readonly Dictionary<ulong, int> _bySpanId = [];
    private ulong[] _spanIds = new ulong[64];
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
        var count = spans.Count;
        if (count > _parent.Length)
        {
            var size = Math.Max(count, _parent.Length * 2);
            _spanIds = new ulong[size];
            _parent = new int[size];
            _firstChild = new int[size];
            _nextSibling = new int[size];
        }
        var hashed = count > SearchedUpTo;
        if (hashed) _bySpanId.Clear();
        for (var i = 0; i < count; i++)
        {
            var id = spans[i].SpanId;
            _spanIds[i] = id;
            if (hashed) _bySpanId[id] = i; // the last of duplicate IDs, as the search below finds
            _firstChild[i] = -1;
            _nextSibling[i] = -1;
        }
        var ids = _spanIds.AsSpan(0, count);
        // Children are linked in reverse order of position; callers that care about order sort by start time.
        for (var i = 0; i < count; i++)
        {
            var span = spans[i];
            var parentId = span.ParentSpanId;
            var parent = parentId == 0 || parentId == span.SpanId ? -1
                : hashed ? (_bySpanId.TryGetValue(parentId, out var p) ? p : -1)
                : ids.LastIndexOf(parentId);
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
