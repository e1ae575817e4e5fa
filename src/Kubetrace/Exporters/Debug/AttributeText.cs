using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Kubetrace.Otlp.Proto.Common;
using Google.Protobuf.Collections;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// Attribute values as the Collector's debug exporter prints them: <c>Type(value)</c> with the pdata type names
/// (Str, Int, Double, Bool, Bytes, Slice, Map, Empty); slices and maps as JSON with sorted map keys, bytes as base64.
/// </summary>
internal static class AttributeText
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Appends "Type(value)".</summary>
    public static void AppendTyped(StringBuilder text, AnyValue? value)
    {
        text.Append(TypeName(value)).Append('(');
        AppendPlain(text, value);
        text.Append(')');
    }

    /// <summary>The value alone, as pdata's AsString (used by the normal verbosity: key=value).</summary>
    public static void AppendPlain(StringBuilder text, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue: text.Append(value!.StringValue); break;
            case AnyValue.ValueOneofCase.IntValue: text.Append(value!.IntValue.ToString(CultureInfo.InvariantCulture)); break;
            case AnyValue.ValueOneofCase.DoubleValue: text.Append(GoText.Double(value!.DoubleValue)); break;
            case AnyValue.ValueOneofCase.BoolValue: text.Append(value!.BoolValue ? "true" : "false"); break;
            case AnyValue.ValueOneofCase.BytesValue: text.Append(value!.BytesValue.ToBase64()); break;
            case AnyValue.ValueOneofCase.ArrayValue:
            case AnyValue.ValueOneofCase.KvlistValue: text.Append(ToJson(value!)); break;
        }
    }

    private static string TypeName(AnyValue? value) => (value?.ValueCase ?? AnyValue.ValueOneofCase.None) switch
    {
        AnyValue.ValueOneofCase.StringValue => "Str",
        AnyValue.ValueOneofCase.IntValue => "Int",
        AnyValue.ValueOneofCase.DoubleValue => "Double",
        AnyValue.ValueOneofCase.BoolValue => "Bool",
        AnyValue.ValueOneofCase.BytesValue => "Bytes",
        AnyValue.ValueOneofCase.ArrayValue => "Slice",
        AnyValue.ValueOneofCase.KvlistValue => "Map",
        _ => "Empty",
    };

    private static string ToJson(AnyValue value)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions)) WriteJson(writer, value);
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void WriteJson(Utf8JsonWriter writer, AnyValue? value)
    {
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.StringValue: writer.WriteStringValue(value!.StringValue); break;
            case AnyValue.ValueOneofCase.IntValue: writer.WriteNumberValue(value!.IntValue); break;
            case AnyValue.ValueOneofCase.DoubleValue: writer.WriteRawValue(GoText.Double(value!.DoubleValue)); break;
            case AnyValue.ValueOneofCase.BoolValue: writer.WriteBooleanValue(value!.BoolValue); break;
            case AnyValue.ValueOneofCase.BytesValue: writer.WriteStringValue(value!.BytesValue.ToBase64()); break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartArray();
                foreach (var item in value!.ArrayValue.Values) WriteJson(writer, item);
                writer.WriteEndArray();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                WriteMap(writer, value!.KvlistValue.Values);
                break;
            default: writer.WriteNullValue(); break;
        }
    }

    // Go's encoding/json sorts map keys; a later duplicate key wins, as when pdata builds its raw map.
    private static void WriteMap(Utf8JsonWriter writer, RepeatedField<KeyValue> entries)
    {
        var sorted = new SortedDictionary<string, AnyValue?>(StringComparer.Ordinal);
        foreach (var entry in entries) sorted[entry.Key] = entry.Value;
        writer.WriteStartObject();
        foreach (var (key, item) in sorted)
        {
            writer.WritePropertyName(key);
            WriteJson(writer, item);
        }
        writer.WriteEndObject();
    }
}
