using System.Text.Json;
using Google.Protobuf.Collections;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;

namespace Kubetrace.Otlp.Json;

/// <summary>Writes the OTLP common and resource messages. Fields at their default value are omitted, as in proto3 JSON.</summary>
internal static class CommonJsonWriter
{
    public static void WriteResource(Utf8JsonWriter writer, Resource resource)
    {
        writer.WriteStartObject();
        WriteAttributes(writer, resource.Attributes);
        if (resource.DroppedAttributesCount != 0) writer.WriteNumber(JsonKeys.DroppedAttributesCount, resource.DroppedAttributesCount);
        writer.WriteEndObject();
    }

    public static void WriteScope(Utf8JsonWriter writer, InstrumentationScope scope)
    {
        writer.WriteStartObject();
        if (scope.Name.Length != 0) writer.WriteString(JsonKeys.Name, scope.Name);
        if (scope.Version.Length != 0) writer.WriteString(JsonKeys.Version, scope.Version);
        WriteAttributes(writer, scope.Attributes);
        if (scope.DroppedAttributesCount != 0) writer.WriteNumber(JsonKeys.DroppedAttributesCount, scope.DroppedAttributesCount);
        writer.WriteEndObject();
    }

    /// <summary>Writes <c>"attributes": [...]</c> unless the list is empty.</summary>
    public static void WriteAttributes(Utf8JsonWriter writer, RepeatedField<KeyValue> attributes)
    {
        if (attributes.Count == 0) return;
        writer.WriteStartArray(JsonKeys.Attributes);
        foreach (var attribute in attributes) WriteKeyValue(writer, attribute);
        writer.WriteEndArray();
    }

    public static void WriteKeyValue(Utf8JsonWriter writer, KeyValue keyValue)
    {
        writer.WriteStartObject();
        writer.WriteString(JsonKeys.Key, keyValue.Key);
        if (keyValue.Value is not null)
        {
            writer.WritePropertyName(JsonKeys.Value);
            WriteAnyValue(writer, keyValue.Value);
        }
        writer.WriteEndObject();
    }

    /// <summary>The set member of the oneof is written even when it holds its default (<c>{"intValue":"0"}</c>).</summary>
    public static void WriteAnyValue(Utf8JsonWriter writer, AnyValue value)
    {
        writer.WriteStartObject();
        switch (value.ValueCase)
        {
            case AnyValue.ValueOneofCase.StringValue:
                writer.WriteString(JsonKeys.StringValue, value.StringValue);
                break;
            case AnyValue.ValueOneofCase.BoolValue:
                writer.WriteBoolean(JsonKeys.BoolValue, value.BoolValue);
                break;
            case AnyValue.ValueOneofCase.IntValue:
                JsonValueWriter.WriteInt64String(writer, JsonKeys.IntValue, value.IntValue);
                break;
            case AnyValue.ValueOneofCase.DoubleValue:
                JsonValueWriter.WriteDouble(writer, JsonKeys.DoubleValue, value.DoubleValue);
                break;
            case AnyValue.ValueOneofCase.BytesValue:
                writer.WriteBase64String(JsonKeys.BytesValue, value.BytesValue.Span);
                break;
            case AnyValue.ValueOneofCase.ArrayValue:
                writer.WriteStartObject(JsonKeys.ArrayValue);
                writer.WriteStartArray(JsonKeys.Values);
                foreach (var element in value.ArrayValue.Values) WriteAnyValue(writer, element);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
            case AnyValue.ValueOneofCase.KvlistValue:
                writer.WriteStartObject(JsonKeys.KvlistValue);
                writer.WriteStartArray(JsonKeys.Values);
                foreach (var element in value.KvlistValue.Values) WriteKeyValue(writer, element);
                writer.WriteEndArray();
                writer.WriteEndObject();
                break;
        }
        writer.WriteEndObject();
    }
}
