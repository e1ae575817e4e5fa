using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Receivers.Otlp.Admission;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>
/// Checks the 5-byte header of a request's first gRPC message before ASP.NET Core's gRPC reads it, answering as
/// grpc-go does (rpc_util.go, <c>recvMsg</c> and <c>checkRecvPayload</c>): a compressed flag other than 0 or 1 is
/// INTERNAL "grpc: received unexpected payload format N", flag 1 without a grpc-encoding is INTERNAL, a length over
/// max_recv_msg_size is RESOURCE_EXHAUSTED "grpc: received message larger than max (N vs. M)". Left to the
/// framework, these answered UNKNOWN and logged a stack trace per request. The header is peeked, not consumed; a gzip
/// message is then read and decompressed here (<see cref="GzipMessageInflater"/>), the rest left to gRPC.
/// </summary>
/// <remarks>
/// The header's length is also what the request first takes from the receiver's <see cref="InFlightBytes"/>, before
/// gRPC reads the message: a request that does not fit is refused without its body ever being buffered, with
/// RESOURCE_EXHAUSTED and RetryInfo. The lease goes to <see cref="GrpcTraceService"/> as a request feature, which
/// grows it to the decompressed size, and is given back when the call has been answered.
/// </remarks>
internal sealed class GrpcFrameCheck(long maxMessageBytes, InFlightBytes inFlight)
{
    private const int HeaderSize = 5;
    private readonly GzipMessageInflater _inflater = new(maxMessageBytes);

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) != true)
        {
            await next(context);
            return;
        }
        var encoding = context.Request.Headers["grpc-encoding"].ToString();
        var (refusal, compressed, length) = await CheckAsync(context, encoding);
        if (refusal is not null)
        {
            Answer(context.Response, refusal.Value);
            return;
        }
        using var lease = inFlight.Open();
        if (!lease.TryGrowTo(length))
        {
            AnswerRetryable(context.Response, lease.Refusal());
            return;
        }
        context.Features.Set(lease);
        if (compressed && encoding.Equals("gzip", StringComparison.OrdinalIgnoreCase) && !await InflateOrAnswerAsync(context, (int)length, lease)) return;
        await next(context);
    }

    /// <summary>
    /// Decompresses a gzip message itself (<see cref="GzipMessageInflater"/>), answering as grpc-go does when it cannot
    /// (rpc_util.go, <c>recvAndDecompress</c>); true if the call goes on to gRPC.
    /// </summary>
    private async Task<bool> InflateOrAnswerAsync(HttpContext context, int length, InFlightLease lease)
    {
        try
        {
            await _inflater.TryInflateAsync(context, length, lease);
            return true;
        }
        catch (BodyTooLargeException)
        {
            Answer(context.Response, new Status(StatusCode.ResourceExhausted, $"grpc: received message after decompression larger than max {maxMessageBytes}"));
        }
        catch (InvalidDataException e)
        {
            Answer(context.Response, CheckedGzipProvider.DecompressionFailed(e));
        }
        catch (RequestOverBudgetException e)
        {
            AnswerRetryable(context.Response, e.Lease.Refusal());
        }
        return false;
    }

    private async Task<(Status? Refusal, bool Compressed, long Length)> CheckAsync(HttpContext context, string encoding)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(HeaderSize, context.RequestAborted);
        var buffer = result.Buffer;
        (Status?, bool, long) outcome = (null, false, 0);
        if (buffer.Length >= HeaderSize)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(header);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
            outcome = (Check(header[0], length, encoding), header[0] == 1, length);
        }
        reader.AdvanceTo(buffer.Start); // nothing consumed: gRPC reads the same bytes
        return outcome;
    }

    private Status? Check(byte flag, uint length, string encoding) => flag switch
    {
        > 1 => new Status(StatusCode.Internal, $"grpc: received unexpected payload format {flag}"),
        1 when encoding is "" or "identity" => new Status(StatusCode.Internal, "grpc: compressed flag set with identity or empty encoding"),
        _ when length > maxMessageBytes => new Status(StatusCode.ResourceExhausted, $"grpc: received message larger than max ({length} vs. {maxMessageBytes})"),
        _ => null,
    };

    /// <summary>A trailers-only answer with the failure's google.rpc.Status (and its RetryInfo) in grpc-status-details-bin.</summary>
    private static void AnswerRetryable(HttpResponse response, ExportFailure failure)
    {
        Answer(response, new Status(failure.GrpcStatus, failure.Message));
        response.Headers[GrpcRetryInfo.TrailerKey] = Convert.ToBase64String(Google.Protobuf.MessageExtensions.ToByteArray(failure.ToRpcStatus()));
    }

    /// <summary>A trailers-only gRPC response: the status in the headers, no body.</summary>
    private static void Answer(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Detail);
    }
}
