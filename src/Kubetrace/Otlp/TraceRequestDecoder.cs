using Google.Protobuf;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Validation;
using Kubetrace.Otlp.Wire;
using Kubetrace.Pipeline;

namespace Kubetrace.Otlp;

/// <summary>
/// Turns a received export request (protobuf or JSON) into a <see cref="TraceBatch"/> of valid spans, transport
/// independent (the gRPC and HTTP adapters both call it).
/// </summary>
/// <remarks>
/// Fast path: the wire scanner finds every span valid and no legacy field → the received bytes go on untouched as
/// <see cref="TraceBatch.FromEncoded"/>. Otherwise the request is decoded, legacy spans folded into scope_spans and
/// invalid spans removed one by one for partial_success.
/// </remarks>
public static class TraceRequestDecoder
{
    /// <param name="body">The request bytes; ownership passes to the batch (the caller must not reuse the memory).</param>
    /// <exception cref="ProtobufFormatException">Truncated or not protobuf.</exception>
    public static DecodedTraces DecodeProtobuf(ReadOnlyMemory<byte> body, IReadOnlyDictionary<string, string>? metadata = null,
        SpanLimits? limits = null)
    {
        var scan = TraceRequestScanner.Scan(body.Span, limits);
        if (scan.IsPassThrough)
            return new DecodedTraces(scan.SpanCount == 0 ? null : TraceBatch.FromEncoded(body, scan.SpanCount, metadata), 0, null);

        // Long values shortened on the wire first: parsed whole, each would be a string twice its size, cut at once.
        if (scan.HasLongValues && LongValueShortener.Shorten(body.Span, limits ?? SpanLimits.Default) is { } shortened) body = shortened;
        ExportTraceServiceRequest request;
        try
        {
            request = ExportTraceServiceRequest.Parser.ParseFrom(body.Span);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ProtobufFormatException($"invalid protobuf: {e.Message}", e);
        }
        return Sanitize(request, metadata, limits);
    }

    /// <exception cref="OtlpJsonException">Not JSON, or not an ExportTraceServiceRequest.</exception>
    public static DecodedTraces DecodeJson(ReadOnlySpan<byte> body, IReadOnlyDictionary<string, string>? metadata = null,
        SpanLimits? limits = null) =>
        Sanitize(OtlpJson.ParseRequest(body, (limits ?? SpanLimits.Default).MaxAttributeValueBytes), metadata, limits);

    /// <summary>Folds legacy spans, removes invalid ones and cuts the rest to their limits, in a decoded request
    /// which the batch then owns. The message says what was refused and what was cut (a warning with 0 rejected).</summary>
    public static DecodedTraces Sanitize(ExportTraceServiceRequest request, IReadOnlyDictionary<string, string>? metadata = null,
        SpanLimits? limits = null)
    {
        LegacyScopeSpans.Fold(request);
        var total = TraceBatch.CountSpans(request);
        var report = SpanFilter.RemoveInvalid(request);
        var invalid = report.Rejected;
        var cut = SpanTrimmer.Apply(request, limits ?? SpanLimits.Default, report);
        if (report.Rejected > invalid) SpanFilter.RemoveEmptied(request);
        var accepted = total - report.Rejected;
        var message = string.Join("; ", new[] { report.Rejected == 0 ? null : report.ToMessage(total), cut }.OfType<string>());
        return new DecodedTraces(
            accepted == 0 ? null : TraceBatch.FromRequest(request, metadata),
            report.Rejected,
            message.Length == 0 ? null : message);
    }
}
