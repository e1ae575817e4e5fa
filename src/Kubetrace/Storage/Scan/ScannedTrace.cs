namespace Kubetrace.Storage.Scan;

/// <summary>
/// Every stored span of one trace, in no particular order. Valid only while the visitor runs: scanners reuse the
/// list and its spans for the next trace.
/// </summary>
public sealed class ScannedTrace
{
    public TraceId TraceId { get; set; }

    public List<ScannedSpan> Spans { get; } = [];

    /// <summary>The spans whose parent is <paramref name="parentSpanId"/> (a linear scan: traces are small).</summary>
    public IEnumerable<ScannedSpan> ChildrenOf(ulong parentSpanId)
    {
        foreach (var span in Spans)
            if (span.ParentSpanId == parentSpanId && span.SpanId != parentSpanId) yield return span;
    }
}
