using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Kubetrace.Api.Jaeger;

/// <summary>An entry of the envelope's <c>errors</c>: a code, a message, and the trace ID it concerns (all optional).</summary>
public sealed record JaegerError(int Code, string Message, string? TraceId = null);

/// <summary>Jaeger's response envelope <c>{"data","total","limit","offset","errors"}</c> (structuredResponse).</summary>
public static class JaegerEnvelope
{
    /// <param name="total">Jaeger fills it for lists (services, operations) and leaves 0 for traces.</param>
    public static Task WriteAsync(HttpContext context, int statusCode, Action<Utf8JsonWriter>? data, int total = 0,
        IReadOnlyList<JaegerError>? errors = null) =>
        JsonBody.WriteAsync(context, statusCode, writer =>
        {
            writer.WriteStartObject();
            writer.WritePropertyName("data");
            if (data is null) writer.WriteNullValue();
            else data(writer);
            WriteTail(writer, total, errors);
        }, indented: PrettyPrint(context));

    /// <summary>Everything after <c>data</c>: <c>"total","limit","offset","errors"</c> and the envelope's end.</summary>
    public static void WriteTail(Utf8JsonWriter writer, int total, IReadOnlyList<JaegerError>? errors)
    {
        writer.WriteNumber("total", total);
        writer.WriteNumber("limit", 0);
        writer.WriteNumber("offset", 0);
        writer.WritePropertyName("errors");
        if (errors is null || errors.Count == 0) writer.WriteNullValue();
        else
        {
            writer.WriteStartArray();
            foreach (var error in errors)
            {
                writer.WriteStartObject();
                if (error.Code != 0) writer.WriteNumber("code", error.Code);
                writer.WriteString("msg", error.Message);
                if (error.TraceId is not null) writer.WriteString("traceID", error.TraceId);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        writer.WriteEndObject();
    }

    /// <summary>Jaeger indents when <c>prettyPrint</c> is present with any value but <c>false</c>.</summary>
    internal static bool PrettyPrint(HttpContext context) =>
        context.Request.Query.TryGetValue("prettyPrint", out var value) && value.ToString() != "false";
}

/// <summary>Errors as Jaeger writes them: <c>{"data":null,...,"errors":[{"code":400,"msg":"..."}]}</c>.</summary>
public sealed class JaegerErrors : IErrorFormat
{
    public static JaegerErrors Instance { get; } = new();

    public Task WriteAsync(HttpContext context, int statusCode, string message) =>
        JaegerEnvelope.WriteAsync(context, statusCode, null, errors: [new JaegerError(statusCode, message)]);
}
