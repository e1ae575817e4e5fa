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
    private ReadOnlyMemory<byte>? _encoded;

    private TraceBatch(ExportTraceServiceRequest? request, ReadOnlyMemory<byte>? encoded, int spanCount,
        IReadOnlyDictionary<string, string>? metadata)
    {
        _request = request;
        _encoded = encoded;
        SpanCount = spanCount;
        Metadata = metadata;
    }

    /// <summary>Number of spans in the batch, known without decoding.</summary>
    public int SpanCount { get; }

    /// <summary>Client metadata (request headers) when the receiver has <c>include_metadata</c>; otherwise null.</summary>
    public IReadOnlyDictionary<string, string>? Metadata { get; }

    /// <summary>True when the protobuf encoding is available without serializing.</summary>
    public bool HasEncoded => _encoded.HasValue;

    /// <summary>Size in bytes of the protobuf encoding (computed without serializing when only objects exist).</summary>
    public int EncodedSize => _encoded?.Length ?? _request!.CalculateSize();

    /// <summary>Wraps an already-validated protobuf encoding. The memory must not be reused by the caller.</summary>
    public static TraceBatch FromEncoded(ReadOnlyMemory<byte> encoded, int spanCount,
        IReadOnlyDictionary<string, string>? metadata = null) => new(null, encoded, spanCount, metadata);

    /// <summary>Wraps a request object; the caller gives up ownership of it.</summary>
    public static TraceBatch FromRequest(ExportTraceServiceRequest request,
        IReadOnlyDictionary<string, string>? metadata = null) => new(request, null, CountSpans(request), metadata);

    /// <summary>A new batch with changed content and the same metadata (for processors that modify data).</summary>
    public TraceBatch WithRequest(ExportTraceServiceRequest request) => FromRequest(request, Metadata);

    /// <summary>The object model, decoded on first use. Read-only by the ownership rule.</summary>
    public ExportTraceServiceRequest Request
    {
        get
        {
            if (_request is not null) return _request;
            lock (_gate)
            {
                return _request ??= ExportTraceServiceRequest.Parser.ParseFrom(_encoded!.Value.Span);
            }
        }
    }

    /// <summary>The protobuf encoding, serialized on first use.</summary>
    public ReadOnlyMemory<byte> Encoded
    {
        get
        {
            if (_encoded is { } encoded) return encoded;
            lock (_gate)
            {
                _encoded ??= _request!.ToByteArray();
                return _encoded.Value;
            }
        }
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
