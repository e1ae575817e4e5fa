using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Tempo;

/// <summary>Tempo answers errors with the plain message as the body.</summary>
public sealed class TempoErrors : IErrorFormat
{
    public static TempoErrors Instance { get; } = new();

    public async Task WriteAsync(HttpContext context, int statusCode, string message)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(message + "\n", context.RequestAborted).ConfigureAwait(false);
    }
}
