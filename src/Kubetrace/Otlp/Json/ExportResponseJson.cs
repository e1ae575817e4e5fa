using System.Text.Json;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Otlp.Json;

/// <summary>ExportTraceServiceResponse in OTLP JSON: <c>{}</c> or <c>{"partialSuccess":{"rejectedSpans":"2","errorMessage":"..."}}</c>.</summary>
internal static class ExportResponseJson
{
    public static void Write(Utf8JsonWriter writer, ExportTraceServiceResponse response)
    {
        writer.WriteStartObject();
        if (response.PartialSuccess is { } partial)
        {
            writer.WriteStartObject(JsonKeys.PartialSuccess);
            if (partial.RejectedSpans != 0) JsonValueWriter.WriteInt64String(writer, JsonKeys.RejectedSpans, partial.RejectedSpans);
            if (partial.ErrorMessage.Length != 0) writer.WriteString(JsonKeys.ErrorMessage, partial.ErrorMessage);
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    public static ExportTraceServiceResponse Read(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var response = new ExportTraceServiceResponse();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (name is "partialsuccess") { field = "partialSuccess"; response.PartialSuccess = ReadPartialSuccess(ref reader); }
                else reader.Skip();
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return response;
    }

    private static ExportTracePartialSuccess ReadPartialSuccess(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var partial = new ExportTracePartialSuccess();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                switch (name)
                {
                    case "rejectedspans": field = "rejectedSpans"; partial.RejectedSpans = JsonValueReader.ReadInt64(ref reader); break;
                    case "errormessage": field = "errorMessage"; partial.ErrorMessage = JsonValueReader.ReadString(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        return partial;
    }
}
