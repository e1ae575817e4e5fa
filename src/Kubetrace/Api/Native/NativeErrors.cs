using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Native;

/// <summary>Native API errors: <c>{"error":{"code":400,"message":"..."}}</c>.</summary>
public sealed class NativeErrors : IErrorFormat
{
    public static NativeErrors Instance { get; } = new();

    public Task WriteAsync(HttpContext context, int statusCode, string message) =>
        JsonBody.WriteAsync(context, statusCode, w =>
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteNumber("code", statusCode);
            w.WriteString("message", message);
            w.WriteEndObject();
            w.WriteEndObject();
        });
}
