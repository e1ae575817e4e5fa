namespace Kubetrace.Otlp.Wire;

/// <summary>
/// Walks the spans of an encoded ExportTraceServiceRequest (resource_spans → scope_spans → spans) in order, without
/// decoding them and without allocating: each step gives a span's message bytes and the bytes its field takes in
/// the request (tag and length included). Fields other than those three are stepped over; the pre-1.0
/// instrumentation-library groups (field 1000) are not walked, as the receiver folds them before a batch goes on.
/// </summary>
internal ref struct EncodedSpanWalker
{
    private const int ResourceSpansField = 1, ScopeSpansField = 2, SpansField = 2, TraceIdField = 1;

    private readonly ReadOnlySpan<byte> _request;
    private ProtoWireReader _resources;
    private ReadOnlySpan<byte> _resource;
    private ProtoWireReader _scopes;
    private ReadOnlySpan<byte> _scope;
    private ProtoWireReader _spans;

    public EncodedSpanWalker(ReadOnlySpan<byte> request)
    {
        _request = request;
        _resources = new ProtoWireReader(request);
    }

    /// <summary>Spans in an encoded request.</summary>
    /// <exception cref="ProtobufFormatException">The bytes cannot be walked.</exception>
    public static int Count(ReadOnlySpan<byte> request)
    {
        var walker = new EncodedSpanWalker(request);
        var count = 0;
        while (walker.MoveNext(out _, out _)) count++;
        return count;
    }

    /// <summary>Moves to the next span; false after the last one.</summary>
    /// <exception cref="ProtobufFormatException">The bytes cannot be walked.</exception>
    public bool MoveNext(out ReadOnlySpan<byte> span, out int encodedSize)
    {
        while (true)
        {
            if (!_spans.AtEnd)
            {
                var field = Next(ref _spans);
                if (field.Number != SpansField || !field.IsLengthDelimited) continue;
                span = _scope[field.ValueStart..field.End];
                encodedSize = field.End - field.Start;
                return true;
            }
            if (!_scopes.AtEnd)
            {
                var field = Next(ref _scopes);
                if (field.Number != ScopeSpansField || !field.IsLengthDelimited) continue;
                _scope = _resource[field.ValueStart..field.End];
                _spans = new ProtoWireReader(_scope);
                continue;
            }
            if (!_resources.AtEnd)
            {
                var field = Next(ref _resources);
                if (field.Number != ResourceSpansField || !field.IsLengthDelimited) continue;
                _resource = _request[field.ValueStart..field.End];
                _scopes = new ProtoWireReader(_resource);
                continue;
            }
            span = default;
            encodedSize = 0;
            return false;
        }
    }

    /// <summary>A span's trace_id bytes (empty when it has none).</summary>
    public static ReadOnlySpan<byte> TraceId(ReadOnlySpan<byte> span)
    {
        var reader = new ProtoWireReader(span);
        while (!reader.AtEnd)
        {
            if (!reader.TryReadField(out var field)) break;
            if (field.Number == TraceIdField && field.IsLengthDelimited) return span[field.ValueStart..field.End];
        }
        return default;
    }

    private static WireField Next(ref ProtoWireReader reader) =>
        reader.TryReadField(out var field) ? field : throw new ProtobufFormatException($"the request cannot be walked at byte {reader.Offset}");
}
