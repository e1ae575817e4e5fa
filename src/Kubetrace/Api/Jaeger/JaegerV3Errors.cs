using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Jaeger;

/// <summary>
/// Errors as Jaeger's api_v3 HTTP gateway writes them (http_gateway.go tryHandleError): Go's <c>http.Error</c> with
/// the JSON of <c>GRPCGatewayError</c>, <c>{"error":{"httpCode":400,"message":"..."}}</c> and a newline, as
/// <c>text/plain; charset=utf-8</c> with <c>X-Content-Type-Options: nosniff</c>.
/// </summary>
public sealed class JaegerV3Errors : IErrorFormat
{
    public static JaegerV3Errors Instance { get; } = new();

    public async Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        var body = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("error");
            writer.WriteNumber("httpCode", statusCode);
            if (message.Length > 0) writer.WriteString("message", message);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }
        System.Buffers.BuffersExtensions.Write(body, "\n"u8);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.ContentLength = body.WrittenCount;
        await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
