namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// The one <see cref="ScannedTrace"/> a scan hands to its visitor, with a pool of spans (each with its own values
/// array and link list) reused from trace to trace: after the first few traces a scan allocates nothing per span.
/// </summary>
internal sealed class TraceBuffer(IReadOnlyList<string> keys)
{
    private readonly int keyCount = keys.Count;
    private readonly EventValueReader? _events = EventValueReader.For(keys);

    private readonly List<ScannedSpan> _pool = [];
    private readonly List<List<ScannedLink>> _links = [];
    private static readonly IReadOnlyList<ScannedLink> NoLinks = [];

    public ScannedTrace Trace { get; } = new();

    public void Start(TraceId traceId)
    {
        Trace.TraceId = traceId;
        Trace.Spans.Clear();
    }

    /// <summary>The next span of the trace, links empty; the caller sets every value slot.</summary>
    public ScannedSpan Add()
    {
        var index = Trace.Spans.Count;
        if (index == _pool.Count)
        {
            _pool.Add(new ScannedSpan { Values = new string?[keyCount] });
            _links.Add([]);
        }
        var span = _pool[index];
        span.Links = NoLinks;
        span.TraceState = null;
        Trace.Spans.Add(span);
        return span;
    }

    /// <summary>Reads the links, the tracestate and the event values the request asks for of the span just added from a stored partial span.</summary>
    public void SetExtras(ScannedSpan span, ReadOnlySpan<byte> partialSpan)
    {
        var links = _links[Trace.Spans.Count - 1];
        LinkReader.Read(partialSpan, links);
        span.Links = links.Count == 0 ? NoLinks : links;
        _events?.Read(partialSpan, span.Values);
        var traceState = LinkReader.TraceState(partialSpan);
        if (traceState.IsEmpty) return;
        // A sampler writes the same tracestate on every span: one string for a run of them.
        if (!traceState.SequenceEqual(_lastTraceStateBytes))
        {
            _lastTraceStateBytes = traceState.ToArray();
            _lastTraceState = System.Text.Encoding.UTF8.GetString(traceState);
        }
        span.TraceState = _lastTraceState;
    }

    private byte[] _lastTraceStateBytes = [];
    private string? _lastTraceState;
}
