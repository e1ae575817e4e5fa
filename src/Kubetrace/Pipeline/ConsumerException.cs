namespace Kubetrace.Pipeline;

/// <summary>How a consumer failed, classified once so that every receiver maps it to the same OTLP status.</summary>
public enum ConsumerErrorKind
{
    /// <summary>The data can never be accepted (HTTP 400, gRPC INVALID_ARGUMENT). Do not retry.</summary>
    Permanent,

    /// <summary>A temporary failure downstream (HTTP 503, gRPC UNAVAILABLE). Retry later.</summary>
    Unavailable,

    /// <summary>Over a resource limit such as memory or a full queue (HTTP 429, gRPC RESOURCE_EXHAUSTED with RetryInfo).</summary>
    ResourceExhausted,
}

/// <summary>The error a consumer throws to refuse a batch.</summary>
public sealed class ConsumerException : Exception
{
    public ConsumerException(ConsumerErrorKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    public ConsumerErrorKind Kind { get; }

    /// <summary>Suggested delay before a retry (HTTP Retry-After, gRPC RetryInfo); null when unknown.</summary>
    public TimeSpan? RetryAfter { get; }

    public bool IsRetryable => Kind != ConsumerErrorKind.Permanent;

    public static ConsumerException Permanent(string message, Exception? inner = null) =>
        new(ConsumerErrorKind.Permanent, message, null, inner);

    public static ConsumerException Unavailable(string message, TimeSpan? retryAfter = null, Exception? inner = null) =>
        new(ConsumerErrorKind.Unavailable, message, retryAfter, inner);

    public static ConsumerException ResourceExhausted(string message, TimeSpan? retryAfter = null) =>
        new(ConsumerErrorKind.ResourceExhausted, message, retryAfter);
}
