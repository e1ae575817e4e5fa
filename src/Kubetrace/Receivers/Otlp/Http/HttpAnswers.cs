using Google.Protobuf;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Collector;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Receivers.Otlp.Http;

/// <summary>Writes OTLP/HTTP answers in the request's encoding: ExportTraceServiceResponse, or google.rpc.Status for errors.</summary>
internal static class HttpAnswers
{
    public static Task WriteResponseAsync(HttpResponse response, OtlpEncoding encoding, ExportTraceServiceResponse message) =>
        WriteAsync(response, StatusCodes.Status200OK, encoding,
            encoding == OtlpEncoding.Json ? OtlpJson.ToUtf8Bytes(message) : message.ToByteArray());

    public static Task WriteErrorAsync(HttpResponse response, int httpStatus, OtlpEncoding encoding, Google.Rpc.Status status) =>
        WriteAsync(response, httpStatus, encoding,
            encoding == OtlpEncoding.Json ? OtlpJson.ToUtf8Bytes(status) : status.ToByteArray());

    /// <summary>An error with a gRPC-style code and message and no details.</summary>
    public static Task WriteErrorAsync(HttpResponse response, int httpStatus, OtlpEncoding encoding, global::Grpc.Core.StatusCode code, string message) =>
        WriteErrorAsync(response, httpStatus, encoding, new Google.Rpc.Status { Code = (int)code, Message = message });

    private static Task WriteAsync(HttpResponse response, int httpStatus, OtlpEncoding encoding, byte[] body)
    {
        response.StatusCode = httpStatus;
        response.ContentType = OtlpMediaType.Of(encoding);
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body).AsTask();
    }
}
