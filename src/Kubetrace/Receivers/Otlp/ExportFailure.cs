using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Kubetrace.Pipeline;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// How a refused export is answered on each transport, decided once from the consumer's classification so that
/// gRPC and HTTP always agree.
/// </summary>
/// <remarks>
/// Permanent → 400 / INVALID_ARGUMENT. Unavailable → 503 / UNAVAILABLE. ResourceExhausted → 429 /
/// RESOURCE_EXHAUSTED with RetryInfo: per the OTLP specification RESOURCE_EXHAUSTED is retryable only when it
/// carries RetryInfo, and back-pressure is exactly the case where the client should retry.
/// </remarks>
public sealed record ExportFailure(ConsumerErrorKind Kind, string Message, TimeSpan? RetryAfter)
{
    /// <summary>Used for Retry-After / RetryInfo when the consumer did not say how long to wait.</summary>
    public static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);

    public static ExportFailure From(ConsumerException e) => new(e.Kind, ClientText.WithoutPaths(e.Message), e.RetryAfter);

    public int HttpStatus => Kind switch
    {
        ConsumerErrorKind.Permanent => 400,
        ConsumerErrorKind.ResourceExhausted => 429,
        _ => 503,
    };

    public global::Grpc.Core.StatusCode GrpcStatus => Kind switch
    {
        ConsumerErrorKind.Permanent => global::Grpc.Core.StatusCode.InvalidArgument,
        ConsumerErrorKind.ResourceExhausted => global::Grpc.Core.StatusCode.ResourceExhausted,
        _ => global::Grpc.Core.StatusCode.Unavailable,
    };

    public bool IsRetryable => Kind != ConsumerErrorKind.Permanent;

    /// <summary>Whole seconds for the Retry-After header (at least 1); null for a permanent failure.</summary>
    public int? RetryAfterSeconds => IsRetryable ? Math.Max(1, (int)Math.Ceiling((RetryAfter ?? DefaultRetryAfter).TotalSeconds)) : null;

    /// <summary>The google.rpc.Status body, with RetryInfo when the client should retry.</summary>
    public Google.Rpc.Status ToRpcStatus()
    {
        var status = new Google.Rpc.Status { Code = (int)GrpcStatus, Message = Message };
        if (IsRetryable)
            status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(RetryAfter ?? DefaultRetryAfter) }));
        return status;
    }
}
