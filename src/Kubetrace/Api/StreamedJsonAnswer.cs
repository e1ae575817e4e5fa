using System.Text.Json;
using Kubetrace.Otlp.Json;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api;

/// <summary>
/// Writes a search answer as it is read, the same way for every API: the API's opening (e.g. <c>{"traces":[</c>),
/// one item at a time, then its closing (which may name a limit the answer reached while it was written). The
/// writer sends what it has whenever <see cref="ChunkBytes"/> are pending or the next item is not ready yet, so the
/// process holds one item and one chunk of JSON, never the whole answer (chunked transfer, no Content-Length).
/// </summary>
/// <remarks>
/// Sending is not cancelled by the query's deadline, as with <see cref="JsonBody.WriteFinishedAsync"/>: the deadline
/// stops the reading (<see cref="Query.Budget.StreamedSearch{T}"/>), and the closing with its marker must still go out
/// for the answer to be valid JSON. A client that goes away or stops reading ends the write (Kestrel aborts it), and
/// the next item's read then throws.
/// </remarks>
public static class StreamedJsonAnswer
{
    /// <summary>JSON pending before it is sent: large enough for few writes, small next to any answer worth streaming.</summary>
    public const int ChunkBytes = 32 * 1024;

    public static async Task WriteAsync<T>(HttpContext context, IAsyncEnumerable<T> items, Action<Utf8JsonWriter> open,
        Action<Utf8JsonWriter, T> write, Action<Utf8JsonWriter> close, bool indented = false)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/json";
        var body = context.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body, indented ? OtlpJson.IndentedWriterOptions : OtlpJson.WriterOptions);
        open(writer);
        await using var next = items.GetAsyncEnumerator();
        while (true)
        {
            var more = next.MoveNextAsync();
            // What is written goes out while the next item is read (from storage, not the search's held window), and
            // whenever a chunk is full: the client sees the first traces early, and the process holds one chunk of the answer.
            if (writer.BytesPending >= ChunkBytes || (writer.BytesPending > 0 && !more.IsCompleted)) await SendAsync(writer, body);
            if (!await more.ConfigureAwait(false)) break;
            write(writer, next.Current);
        }
        close(writer);
        await SendAsync(writer, body);
    }

    private static async ValueTask SendAsync(Utf8JsonWriter writer, System.IO.Pipelines.PipeWriter body)
    {
        writer.Flush();
        await body.FlushAsync(CancellationToken.None).ConfigureAwait(false);
    }
}
