using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.Batch;

/// <summary>Joins batches into one without looking at their spans.</summary>
internal static class TraceBatchMerger
{
    /// <summary>
    /// One batch holding every span of <paramref name="parts"/>, in order, with <paramref name="metadata"/>.
    /// </summary>
    /// <remarks>
    /// Concatenated ExportTraceServiceRequest encodings are a valid ExportTraceServiceRequest (its only field,
    /// resource_spans, is repeated, and repeated fields of concatenated messages concatenate), so when any part
    /// is encoded the merged batch is the list of the parts' encodings (<see cref="TraceBatch.FromEncodedSegments"/>):
    /// no copy and no per-span work here, and one copy later only if an exporter needs the bytes contiguous (the
    /// nop exporter never does). Parts that only have objects are serialized once, which is cheaper than decoding
    /// the others. When no part is encoded (JSON input), the objects are shared into a new request instead.
    /// </remarks>
    public static TraceBatch Merge(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        if (parts.Count == 1 && ReferenceEquals(parts[0].Metadata, metadata)) return parts[0];

        var anyEncoded = false;
        foreach (var part in parts) anyEncoded |= part.HasEncoded;
        return anyEncoded ? Concatenate(parts, metadata) : ShareObjects(parts, metadata);
    }

    private static TraceBatch Concatenate(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        var segments = new List<ReadOnlyMemory<byte>>(parts.Count);
        var spans = 0;
        foreach (var part in parts)
        {
            segments.AddRange(part.EncodedSegments);
            spans += part.SpanCount;
        }
        return TraceBatch.FromEncodedSegments([.. segments], spans, metadata);
    }

    private static TraceBatch ShareObjects(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        // Sharing the ResourceSpans objects is safe: batches are immutable once handed on.
        var request = new ExportTraceServiceRequest();
        foreach (var part in parts) request.ResourceSpans.Add(part.Request.ResourceSpans);
        return TraceBatch.FromRequest(request, metadata);
    }
}
