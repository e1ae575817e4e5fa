using System.Buffers;
using System.Text.Json;
using Kubetrace.Otlp.Json;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>Writes a JSON response body with a <see cref="Utf8JsonWriter"/>, so each API controls its exact shape.</summary>
public static class JsonBody
{
    public static Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter> write, bool indented = false)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, indented ? OtlpJson.IndentedWriterOptions : OtlpJson.WriterOptions))
        {
            write(writer);
        }
        return WriteFinishedAsync(context, statusCode, "application/json", buffer.WrittenMemory);
    }

    /// <summary>
    /// Sends an answer that is already built. The query's deadline (<see cref="ApiHandler"/>'s backstop, which is
    /// <c>RequestAborted</c> while a handler runs) does not cancel the sending: the answer is bounded
    /// (<c>max_bytes_per_query</c>), and cancelling a response once its headers are out can only reset the connection,
    /// losing the answer and its incomplete marker (what a loaded machine did to the widest searches). A client that
    /// goes away or stops reading still ends the write: Kestrel aborts it (connection closed, minimum data rate).
    /// </summary>
    public static async Task WriteFinishedAsync(HttpContext context, int statusCode, string contentType, ReadOnlyMemory<byte> body)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, CancellationToken.None).ConfigureAwait(false);
    }
}
