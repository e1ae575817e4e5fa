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
    /// is encoded the merge is a single copy into one buffer, with no decoding and no per-span work; parts that
    /// only have objects are serialized once, which is cheaper than decoding the others. When no part is
    /// encoded (JSON input), the objects are shared into a new request instead: nothing is copied at all.
    /// </remarks>
    public static TraceBatch Merge(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        if (parts.Count == 1)
        {
            var only = parts[0];
            if (ReferenceEquals(only.Metadata, metadata)) return only;
            return only.HasEncoded
                ? TraceBatch.FromEncoded(only.Encoded, only.SpanCount, metadata)
                : TraceBatch.FromRequest(only.Request, metadata);
        }

        var anyEncoded = false;
        foreach (var part in parts) anyEncoded |= part.HasEncoded;
        return anyEncoded ? Concatenate(parts, metadata) : ShareObjects(parts, metadata);
    }

    private static TraceBatch Concatenate(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        long total = 0;
        var spans = 0;
        foreach (var part in parts)
        {
            total += part.Encoded.Length;
            spans += part.SpanCount;
        }
        if (total > Array.MaxLength)
            throw new InvalidOperationException($"merged batch of {total} bytes exceeds the largest possible buffer");

        // Uninitialized: every byte is overwritten just below.
        var buffer = GC.AllocateUninitializedArray<byte>((int)total);
        var offset = 0;
        foreach (var part in parts)
        {
            var encoded = part.Encoded.Span;
            encoded.CopyTo(buffer.AsSpan(offset));
            offset += encoded.Length;
        }
        return TraceBatch.FromEncoded(buffer, spans, metadata);
    }

    private static TraceBatch ShareObjects(IReadOnlyList<TraceBatch> parts, IReadOnlyDictionary<string, string>? metadata)
    {
        // Sharing the ResourceSpans objects is safe: batches are immutable once handed on.
        var request = new ExportTraceServiceRequest();
        foreach (var part in parts) request.ResourceSpans.Add(part.Request.ResourceSpans);
        return TraceBatch.FromRequest(request, metadata);
    }
}
