namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>The request body is, or decompresses to, more than the configured limit (answered with 413).</summary>
internal sealed class BodyTooLargeException(long limit)
    : Exception($"request body exceeds the limit of {limit} bytes (max_request_body_size, checked after decompression)")
{
    public long Limit { get; } = limit;
}
