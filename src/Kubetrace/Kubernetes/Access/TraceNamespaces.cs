namespace Kubetrace.Kubernetes.Access;

/// <summary>
/// Decides the namespace of every span of a trace: its own evidence (<see cref="SpanNamespace.Of"/>), else its
/// nearest ancestor's, else cluster-scoped. So an admission webhook call, a storage span or an etcd client span
/// belongs to the request that made it, and kubelet's runtime calls to the pod they are for.
/// </summary>
public sealed class TraceNamespaces
{
    private readonly Dictionary<ulong, int> _indexOf = [];
    private readonly List<(ulong Parent, string? Own)> _spans = [];
    private string?[] _decided = [];
    private bool[] _done = [];

    /// <summary>Starts a new trace (instances are reused across the traces of a scan).</summary>
    public void Clear()
    {
        _indexOf.Clear();
        _spans.Clear();
    }

    /// <summary>Adds a span with its own evidence; spans are numbered in the order they are added.</summary>
    public void Add(ulong spanId, ulong parentSpanId, string? own)
    {
        _indexOf.TryAdd(spanId, _spans.Count);
        _spans.Add((parentSpanId, own));
    }

    /// <summary>Decides every span added; <see cref="NamespaceOf"/> then answers by the span's number.</summary>
    public void Decide()
    {
        if (_decided.Length < _spans.Count)
        {
            _decided = new string?[Math.Max(_spans.Count, _decided.Length * 2)];
            _done = new bool[_decided.Length];
        }
        Array.Clear(_done, 0, _spans.Count);
        var path = new List<int>();
        for (var i = 0; i < _spans.Count; i++)
        {
            // Walk up to the first span that is decided or has evidence, then give its answer to the path walked.
            path.Clear();
            var at = i;
            string? answer = SpanNamespace.Cluster;
            while (true)
            {
                if (_done[at]) { answer = _decided[at]; break; }
                path.Add(at);
                var (parent, own) = _spans[at];
                if (own is not null) { answer = own; break; }
                // A missing parent (not arrived, or in a part not stored) or a cycle in bad data: cluster-scoped.
                if (parent == 0 || !_indexOf.TryGetValue(parent, out var next) || path.Count > _spans.Count) break;
                at = next;
            }
            foreach (var walked in path)
            {
                _decided[walked] = answer;
                _done[walked] = true;
            }
        }
    }

    /// <summary>The namespace of the span added <paramref name="index"/>th ("" for cluster-scoped).</summary>
    public string NamespaceOf(int index) => _decided[index] ?? SpanNamespace.Cluster;
}
