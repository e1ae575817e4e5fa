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

    private static readonly JsonFieldReader<ExportTraceServiceResponse> ResponseFields = ReadResponseField;
    private static readonly JsonFieldReader<ExportTracePartialSuccess> PartialSuccessFields = ReadPartialSuccessField;

    public static ExportTraceServiceResponse Read(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new ExportTraceServiceResponse(), ResponseFields);

    private static bool ReadResponseField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ExportTraceServiceResponse response, ref string field)
    {
        if (name is not "partialsuccess") return false;
        field = "partialSuccess";
        response.PartialSuccess = JsonObject.Read(ref reader, new ExportTracePartialSuccess(), PartialSuccessFields);
        return true;
    }

    private static bool ReadPartialSuccessField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ExportTracePartialSuccess partial, ref string field)
    {
        switch (name)
        {
            case "rejectedspans": field = "rejectedSpans"; partial.RejectedSpans = JsonValueReader.ReadInt64(ref reader); return true;
            case "errormessage": field = "errorMessage"; partial.ErrorMessage = JsonValueReader.ReadString(ref reader); return true;
            default: return false;
        }
    }
}
