using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Batch;

/// <summary>Cuts a batch after a given number of spans, keeping each span with its resource and scope.</summary>
internal static class TraceBatchSplitter
{
    /// <summary>
    /// Returns the first <paramref name="headSpans"/> spans and the rest as two new batches with the input's
    /// metadata. An encoded batch is cut in its bytes (<see cref="EncodedTraceSplitter"/>); otherwise the objects
    /// are split without being modified: resources, scopes and spans are shared, and only the ResourceSpans /
    /// ScopeSpans envelopes that straddle the cut are new.
    /// </summary>
    public static (TraceBatch Head, TraceBatch Tail) Split(TraceBatch batch, int headSpans)
    {
        if (headSpans <= 0 || headSpans >= batch.SpanCount)
            throw new ArgumentOutOfRangeException(nameof(headSpans), headSpans, $"must be within 1..{batch.SpanCount - 1}");

        if (batch.HasEncoded && EncodedTraceSplitter.TrySplit(batch.Encoded, headSpans, out var headSegments, out var tailSegments))
        {
            return (TraceBatch.FromEncodedSegments(headSegments, headSpans, batch.Metadata),
                TraceBatch.FromEncodedSegments(tailSegments, batch.SpanCount - headSpans, batch.Metadata));
        }
        return SplitObjects(batch, headSpans);
    }

    private static (TraceBatch Head, TraceBatch Tail) SplitObjects(TraceBatch batch, int headSpans)
    {
        var head = new ExportTraceServiceRequest();
        var tail = new ExportTraceServiceRequest();
        var remaining = headSpans;
        foreach (var resourceSpans in batch.Request.ResourceSpans)
        {
            var spans = CountSpans(resourceSpans);
            if (remaining == 0)
            {
                tail.ResourceSpans.Add(resourceSpans);
            }
            else if (spans <= remaining)
            {
                head.ResourceSpans.Add(resourceSpans);
                remaining -= spans;
            }
            else
            {
                var (headPart, tailPart) = SplitResource(resourceSpans, remaining);
                head.ResourceSpans.Add(headPart);
                tail.ResourceSpans.Add(tailPart);
                remaining = 0;
            }
        }
        return (batch.WithRequest(head), batch.WithRequest(tail));
    }

    private static (ResourceSpans Head, ResourceSpans Tail) SplitResource(ResourceSpans source, int headSpans)
    {
        var head = new ResourceSpans { Resource = source.Resource, SchemaUrl = source.SchemaUrl };
        var tail = new ResourceSpans { Resource = source.Resource, SchemaUrl = source.SchemaUrl };
        var remaining = headSpans;
        foreach (var scopeSpans in source.ScopeSpans)
        {
            if (remaining == 0)
            {
                tail.ScopeSpans.Add(scopeSpans);
            }
            else if (scopeSpans.Spans.Count <= remaining)
            {
                head.ScopeSpans.Add(scopeSpans);
                remaining -= scopeSpans.Spans.Count;
            }
            else
            {
                var headScope = new ScopeSpans { Scope = scopeSpans.Scope, SchemaUrl = scopeSpans.SchemaUrl };
                var tailScope = new ScopeSpans { Scope = scopeSpans.Scope, SchemaUrl = scopeSpans.SchemaUrl };
                for (var i = 0; i < scopeSpans.Spans.Count; i++)
                    (i < remaining ? headScope : tailScope).Spans.Add(scopeSpans.Spans[i]);
                head.ScopeSpans.Add(headScope);
                tail.ScopeSpans.Add(tailScope);
                remaining = 0;
            }
        }
        return (head, tail);
    }

    private static int CountSpans(ResourceSpans resourceSpans)
    {
        var count = 0;
        foreach (var scopeSpans in resourceSpans.ScopeSpans) count += scopeSpans.Spans.Count;
        return count;
    }
}
