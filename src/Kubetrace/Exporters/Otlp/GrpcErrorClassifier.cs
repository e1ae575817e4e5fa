using Grpc.Core;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Otlp;

/// <summary>
/// Maps a gRPC failure to a <see cref="ConsumerException"/> once, by the OTLP specification: CANCELLED,
/// DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE and DATA_LOSS are retryable; RESOURCE_EXHAUSTED is
/// retryable only when the server sent RetryInfo (otherwise, e.g. a message over its size limit, it is final);
/// everything else is permanent.
/// </summary>
internal static class GrpcErrorClassifier
{
    public static ConsumerException Classify(RpcException error, string endpoint)
    {
        var message = $"gRPC {error.StatusCode} from {endpoint}: {error.Status.Detail}";
        var delay = GrpcRetryInfo.TryRead(error.Trailers.GetValueBytes(GrpcRetryInfo.TrailerKey));
        return error.StatusCode switch
        {
            StatusCode.Cancelled or StatusCode.DeadlineExceeded or StatusCode.Aborted or StatusCode.OutOfRange
                or StatusCode.Unavailable or StatusCode.DataLoss =>
                ConsumerException.Unavailable(message, delay, error),
            StatusCode.ResourceExhausted when delay is not null => ConsumerException.ResourceExhausted(message, delay),
            _ => ConsumerException.Permanent(message, error),
        };
    }
}
