using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Pipeline;

/// <summary>
/// The unit of data that flows between pipeline stages: one OTLP ExportTraceServiceRequest.
/// </summary>
/// <remarks>
/// A batch is kept in whichever form it arrived in and converted lazily, because the fast path (gRPC in, batch,
/// OTLP or nop out) never needs the object model: protobuf bytes can be validated by a wire scanner and batches
/// merged by concatenation (repeated fields of concatenated messages concatenate). Stages that need the objects
/// (debug, file, later redaction and storage) call <see cref="Request"/>.
///
/// Ownership rule: a batch is immutable once handed to a consumer. A consumer must not modify
/// <see cref="Request"/>; a processor that changes data builds a new batch (see <see cref="WithRequest"/>).
/// This is what lets a fan-out hand the same batch to several exporters without copying.
/// </remarks>
public sealed class TraceBatch
{
    private readonly object _gate = new();
    private ExportTraceServiceRequest? _request;
    private readonly ReadOnlyMemory<byte>? _encoded; // as received, or cut from received bytes
    private byte[]? _producedEncoding; // joined or serialized on first use; a reference, so never seen half-written

    // The encoding in pieces whose concatenation is the request (see FromEncodedSegments); joined into
    // _producedEncoding only when a stage asks for contiguous bytes.
    private readonly ReadOnlyMemory<byte>[]? _segments;
    private readonly int _segmentsLength;

    private TraceBatch(ExportTraceServiceRequest? request, ReadOnlyMemory<byte>? encoded, int spanCount,
        IReadOnlyDictionary<string, string>? metadata, ReadOnlyMemory<byte>[]? segments = null, int segmentsLength = 0)
    {
        _request = request;
        _encoded = encoded;
        _segments = segments;
        _segmentsLength = segmentsLength;
        SpanCount = spanCount;
        Metadata = metadata;
    }

    /// <summary>Number of spans in the batch, known without decoding.</summary>
    public int SpanCount { get; }

    /// <summary>Client metadata (request headers) when the receiver has <c>include_metadata</c>; otherwise null.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>Where consumers report spans they refused of this batch (<see cref="ExportReceipt"/>); set by the
    /// receiver before it hands the batch on, kept by the batches derived from it; null: nobody is told.</summary>
    public ExportReceipt? Receipt { get; set; }

    /// <summary>True when the protobuf encoding is available without serializing.</summary>
    public bool HasEncoded => _encoded.HasValue || _segments is not null;

    /// <summary>Size in bytes of the protobuf encoding (computed without serializing or joining).</summary>
    public int EncodedSize => _encoded?.Length ?? (_segments is not null ? _segmentsLength : _producedEncoding?.Length ?? _request!.CalculateSize());

    /// <summary>Wraps an already-validated protobuf encoding. The memory must not be reused by the caller.</summary>
    public static TraceBatch FromEncoded(ReadOnlyMemory<byte> encoded, int spanCount,
        IReadOnlyDictionary<string, string>? metadata = null) => new(null, encoded, spanCount, metadata);

    /// <summary>
    /// Wraps an encoding given in pieces whose concatenation is one valid request (repeated fields of
    /// concatenated messages concatenate), so that batches are merged and cut without copying their bytes; they are
    /// joined once, on first use of <see cref="Encoded"/>, by a stage that needs them contiguous. The memory must
    /// not be reused by the caller.
    /// </summary>
    public static TraceBatch FromEncodedSegments(ReadOnlyMemory<byte>[] segments, int spanCount,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        if (segments.Length == 1) return FromEncoded(segments[0], spanCount, metadata);
        long length = 0;
        foreach (var segment in segments) length += segment.Length;
        if (length > Array.MaxLength)
            throw new InvalidOperationException($"a batch of {length} bytes exceeds the largest possible buffer");
        return new TraceBatch(null, null, spanCount, metadata, segments, (int)length);
    }

    /// <summary>
    /// The protobuf encoding as pieces to be written one after the other (one piece unless the batch was built
    /// from segments), without joining them. Serializes on first use when only objects exist.
    /// </summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> EncodedSegments =>
        _segments ?? [Encoded];

    /// <summary>Wraps a request object; the caller gives up ownership of it.</summary>
    public static TraceBatch FromRequest(ExportTraceServiceRequest request,
        IReadOnlyDictionary<string, string>? metadata = null) => new(request, null, CountSpans(request), metadata);

    /// <summary>A new batch with changed content and the same metadata and receipt (for processors that modify data).</summary>
    public TraceBatch WithRequest(ExportTraceServiceRequest request) => Derived(FromRequest(request, Metadata));

    /// <summary>A new batch of changed encoded content, with the same metadata and receipt.</summary>
    public TraceBatch WithEncoded(ReadOnlyMemory<byte> encoded, int spanCount) => Derived(FromEncoded(encoded, spanCount, Metadata));

    /// <summary>A new batch of changed encoded content in pieces (<see cref="FromEncodedSegments"/>), with the same metadata and receipt.</summary>
    public TraceBatch WithEncodedSegments(ReadOnlyMemory<byte>[] segments, int spanCount) =>
        Derived(FromEncodedSegments(segments, spanCount, Metadata));

    private TraceBatch Derived(TraceBatch derived)
    {
        derived.Receipt = Receipt;
        return derived;
    }

    /// <summary>The object model, decoded on first use. Read-only by the ownership rule.</summary>
    public ExportTraceServiceRequest Request
    {
        get
        {
            if (_request is not null) return _request;
            var encoded = Encoded;
            lock (_gate)
            {
                return _request ??= ExportTraceServiceRequest.Parser.ParseFrom(encoded.Span);
            }
        }
    }

    /// <summary>The protobuf encoding, serialized on first use.</summary>
    public ReadOnlyMemory<byte> Encoded
    {
        get
        {
            if (_encoded is { } encoded) return encoded;
            if (Volatile.Read(ref _producedEncoding) is { } produced) return produced;
            lock (_gate)
            {
                _producedEncoding ??= _segments is not null ? Join(_segments, _segmentsLength) : _request!.ToByteArray();
                return _producedEncoding;
            }
        }
    }

    private static byte[] Join(ReadOnlyMemory<byte>[] segments, int length)
    {
        // Uninitialized: every byte is overwritten just below.
        var joined = GC.AllocateUninitializedArray<byte>(length);
        var offset = 0;
        foreach (var segment in segments)
        {
            segment.Span.CopyTo(joined.AsSpan(offset));
            offset += segment.Length;
        }
        return joined;
    }

    public static int CountSpans(ExportTraceServiceRequest request)
    {
        var count = 0;
        foreach (var resourceSpans in request.ResourceSpans)
        foreach (var scopeSpans in resourceSpans.ScopeSpans)
            count += scopeSpans.Spans.Count;
        return count;
    }
}
