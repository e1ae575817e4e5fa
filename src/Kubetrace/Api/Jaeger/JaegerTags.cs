using System.Text.Json;
using Kubetrace.Otlp.Proto.Common;
using StoredValue = Kubetrace.Storage.Model.StoredValue;

namespace Kubetrace.Api.Jaeger;

/// <summary>Jaeger's typed key-values <c>{"key","type","value"}</c> from OTLP values.</summary>
public static class JaegerTags
{
    /// <summary>Integers beyond JavaScript's exact range are written as strings, as Jaeger does.</summary>
    private const long MaxSafeInteger = (1L << 53) - 1;

    public static void Write(Utf8JsonWriter writer, string key, AnyValue? value)
    {
        writer.WriteStartObject();
        writer.WriteString("key", key);
        switch (value?.ValueCase ?? AnyValue.ValueOneofCase.None)
        {
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteString("type", "bool");
                writer.WriteBoolean("value", value!.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                writer.WriteString("type", "int64");
                if (Math.Abs(value!.IntValue) <= MaxSafeInteger) writer.WriteNumber("value", value.IntValue);
                else writer.WriteString("value", value.IntValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
                break;
            case AnyValue.ValueOneofCase.DoubleValue when double.IsFinite(value!.DoubleValue):
                writer.WriteString("type", "float64");
                writer.WriteNumber("value", value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteString("type", "binary");
                writer.WriteBase64String("value", value!.BytesValue.Span);
                break;
            default:
                writer.WriteString("type", "string");
                writer.WriteString("value", value is null ? "" : StoredValue.TextOf(value));
                break;
        }
        writer.WriteEndObject();
    }

    public static void Write(Utf8JsonWriter writer, string key, string value) =>
        Write(writer, key, new AnyValue { StringValue = value });

    public static void Write(Utf8JsonWriter writer, string key, bool value) =>
        Write(writer, key, new AnyValue { BoolValue = value });
}
