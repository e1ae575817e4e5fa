namespace Kubetrace.Receivers.Otlp;

/// <summary>A request body or message is, or decompresses to, more than the configured limit (HTTP 413 with this
/// message; gRPC answers RESOURCE_EXHAUSTED in grpc-go's words instead).</summary>
internal sealed class BodyTooLargeException(long limit)
    : Exception($"request body exceeds the limit of {limit} bytes (max_request_body_size, checked after decompression)")
{
    public long Limit { get; } = limit;
}
