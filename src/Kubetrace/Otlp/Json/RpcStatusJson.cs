using System.Globalization;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;

namespace Kubetrace.Otlp.Json;

/// <summary>
/// google.rpc.Status, the error body of OTLP/HTTP, in proto3 JSON:
/// <c>{"code":8,"message":"...","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"5s"}]}</c>.
/// </summary>
/// <remarks>Only RetryInfo details are understood (the one OTLP uses); other detail types are skipped when read.</remarks>
internal static class RpcStatusJson
{
    private const string RetryInfoTypeUrl = "type.googleapis.com/google.rpc.RetryInfo";

    public static void Write(Utf8JsonWriter writer, Google.Rpc.Status status)
    {
        writer.WriteStartObject();
        if (status.Code != 0) writer.WriteNumber(JsonKeys.Code, status.Code);
        if (status.Message.Length != 0) writer.WriteString(JsonKeys.Message, status.Message);
        var wroteDetails = false;
        foreach (var detail in status.Details)
        {
            if (!detail.TryUnpack<RetryInfo>(out var retryInfo)) continue;
            if (!wroteDetails) writer.WriteStartArray(JsonKeys.Details);
            wroteDetails = true;
            writer.WriteStartObject();
            writer.WriteString(JsonKeys.AtType, RetryInfoTypeUrl);
            if (retryInfo.RetryDelay is not null) writer.WriteString(JsonKeys.RetryDelay, FormatDuration(retryInfo.RetryDelay));
            writer.WriteEndObject();
        }
        if (wroteDetails) writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static readonly JsonFieldReader<Google.Rpc.Status> StatusFields = ReadStatusField;

    public static Google.Rpc.Status Read(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new Google.Rpc.Status(), StatusFields);

    private static bool ReadStatusField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Google.Rpc.Status status, ref string field)
    {
        switch (name)
        {
            case "code": field = "code"; status.Code = JsonValueReader.ReadInt32(ref reader); return true;
            case "message": field = "message"; status.Message = JsonValueReader.ReadString(ref reader); return true;
            case "details": field = "details"; ReadDetails(ref reader, status); return true;
            default: return false;
        }
    }

    private static void ReadDetails(ref Utf8JsonReader reader, Google.Rpc.Status status)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartArray, "an array");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
            string? type = null;
            Duration? delay = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isType = reader.ValueTextEquals("@type"u8);
                var isDelay = reader.ValueTextEquals("retryDelay"u8) || reader.ValueTextEquals("retry_delay"u8);
                reader.Read();
                if (isType) type = JsonValueReader.ReadString(ref reader);
                else if (isDelay) delay = ParseDuration(JsonValueReader.ReadString(ref reader));
                else reader.Skip();
            }
            if (type == RetryInfoTypeUrl) status.Details.Add(Any.Pack(new RetryInfo { RetryDelay = delay }));
        }
    }

    /// <summary>proto3 JSON Duration: seconds with up to 9 fractional digits and an "s" suffix, e.g. <c>"1.500s"</c>.</summary>
    internal static string FormatDuration(Duration duration)
    {
        var nanos = Math.Abs(duration.Nanos);
        var sign = duration.Seconds < 0 || duration.Nanos < 0 ? "-" : "";
        var seconds = Math.Abs(duration.Seconds).ToString(CultureInfo.InvariantCulture);
        return nanos == 0 ? $"{sign}{seconds}s" : $"{sign}{seconds}.{nanos.ToString("D9", CultureInfo.InvariantCulture).TrimEnd('0')}s";
    }

    internal static Duration ParseDuration(string text)
    {
        if (text.EndsWith('s') && decimal.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var seconds))
        {
            var whole = decimal.Truncate(seconds);
            return new Duration { Seconds = (long)whole, Nanos = (int)((seconds - whole) * 1_000_000_000m) };
        }
        throw new OtlpJsonException($"\"{JsonValueReader.Shorten(text)}\" is not a duration such as \"1.5s\"");
    }
}
