namespace Kubetrace.Receivers.Otlp;

/// <summary>A request body or message is, or decompresses to, more than the configured limit (HTTP 413, gRPC RESOURCE_EXHAUSTED).</summary>
/// <param name="limitKey">The key that set the limit, for the message: the one a user would change.</param>
internal sealed class BodyTooLargeException(long limit, string limitKey = "max_request_body_size")
    : Exception($"request body exceeds the limit of {limit} bytes ({limitKey}, checked after decompression)")
{
    public long Limit { get; } = limit;
}
