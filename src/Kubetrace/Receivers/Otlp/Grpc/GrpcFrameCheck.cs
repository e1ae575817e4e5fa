using System.Buffers;
using System.Buffers.Binary;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>
/// Checks the 5-byte header of a request's first gRPC message before ASP.NET Core's gRPC reads it, answering as
/// grpc-go does (rpc_util.go, <c>recvMsg</c> and <c>checkRecvPayload</c>): a compressed flag other than 0 or 1 is
/// INTERNAL "grpc: received unexpected payload format N", flag 1 without a grpc-encoding is INTERNAL, a length over
/// max_recv_msg_size is RESOURCE_EXHAUSTED "grpc: received message larger than max (N vs. M)". Left to the
/// framework, these answered UNKNOWN and logged a stack trace per request. The header is peeked, not consumed.
/// </summary>
internal sealed class GrpcFrameCheck(long maxMessageBytes)
{
    private const int HeaderSize = 5;

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true &&
            await CheckAsync(context) is { } refusal)
        {
            Answer(context.Response, refusal);
            return;
        }
        await next(context);
    }

    private async Task<Status?> CheckAsync(HttpContext context)
    {
        var reader = context.Request.BodyReader;
        var result = await reader.ReadAtLeastAsync(HeaderSize, context.RequestAborted);
        var buffer = result.Buffer;
        Status? refusal = null;
        if (buffer.Length >= HeaderSize)
        {
            Span<byte> header = stackalloc byte[HeaderSize];
            buffer.Slice(0, HeaderSize).CopyTo(header);
            refusal = Check(header[0], BinaryPrimitives.ReadUInt32BigEndian(header[1..]), context.Request.Headers["grpc-encoding"].ToString());
        }
        reader.AdvanceTo(buffer.Start); // nothing consumed: gRPC reads the same bytes
        return refusal;
    }

    private Status? Check(byte flag, uint length, string encoding) => flag switch
    {
        > 1 => new Status(StatusCode.Internal, $"grpc: received unexpected payload format {flag}"),
        1 when encoding is "" or "identity" => new Status(StatusCode.Internal, "grpc: compressed flag set with identity or empty encoding"),
        _ when length > maxMessageBytes => new Status(StatusCode.ResourceExhausted, $"grpc: received message larger than max ({length} vs. {maxMessageBytes})"),
        _ => null,
    };

    /// <summary>A trailers-only gRPC response: the status in the headers, no body.</summary>
    private static void Answer(HttpResponse response, Status status)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)status.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = Uri.EscapeDataString(status.Detail);
    }
}
