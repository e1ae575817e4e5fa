using System.Buffers;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>Writes a JSON response body with a <see cref="Utf8JsonWriter"/>, so each API controls its exact shape.</summary>
public static class JsonBody
{
    public static async Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, indented ? OtlpJson.IndentedWriterOptions : OtlpJson.WriterOptions))
        {
            write(writer);
        }
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = buffer.WrittenCount;
        await context.Response.Body.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }
}
