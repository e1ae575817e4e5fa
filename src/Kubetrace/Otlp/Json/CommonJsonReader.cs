using System.Text.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;

namespace Kubetrace.Otlp.Json;

/// <summary>Reads the OTLP common and resource messages (attributes, values, scope, resource).</summary>
/// <remarks>
/// Each reader stands on the value's first token and leaves the reader on its last. Field names are folded
/// (<see cref="JsonFieldName"/>), <c>null</c> means "default", unknown fields are skipped. On error the field being
/// read is added to the path.
/// </remarks>
internal static class CommonJsonReader
{
    public static readonly JsonElementReader<KeyValue> KeyValueReader = ReadKeyValue;
    public static readonly JsonElementReader<AnyValue> AnyValueReader = ReadAnyValue;

    public static Resource ReadResource(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var resource = new Resource();
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
                    case "attributes": field = "attributes"; JsonArray.Read(ref reader, resource.Attributes, KeyValueReader); break;
                    case "droppedattributescount": field = "droppedAttributesCount"; resource.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return resource;
    }

    public static InstrumentationScope ReadScope(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var scope = new InstrumentationScope();
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
                    case "name": field = "name"; scope.Name = JsonValueReader.ReadString(ref reader); break;
                    case "version": field = "version"; scope.Version = JsonValueReader.ReadString(ref reader); break;
                    case "attributes": field = "attributes"; JsonArray.Read(ref reader, scope.Attributes, KeyValueReader); break;
                    case "droppedattributescount": field = "droppedAttributesCount"; scope.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return scope;
    }

    public static KeyValue ReadKeyValue(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var keyValue = new KeyValue();
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
                    case "key": field = "key"; keyValue.Key = JsonValueReader.ReadString(ref reader); break;
                    case "value": field = "value"; keyValue.Value = ReadAnyValue(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return keyValue;
    }

    public static AnyValue ReadAnyValue(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var value = new AnyValue();
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
                    case "stringvalue": field = "stringValue"; value.StringValue = JsonValueReader.ReadString(ref reader); break;
                    case "boolvalue": field = "boolValue"; value.BoolValue = JsonValueReader.ReadBool(ref reader); break;
                    case "intvalue": field = "intValue"; value.IntValue = JsonValueReader.ReadInt64(ref reader); break;
                    case "doublevalue": field = "doubleValue"; value.DoubleValue = JsonValueReader.ReadDouble(ref reader); break;
                    case "bytesvalue": field = "bytesValue"; value.BytesValue = JsonValueReader.ReadBase64Bytes(ref reader); break;
                    case "arrayvalue": field = "arrayValue"; value.ArrayValue = ReadArrayValue(ref reader); break;
                    case "kvlistvalue": field = "kvlistValue"; value.KvlistValue = ReadKeyValues(ref reader); break;
                    default: reader.Skip(); break;
                }
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return value;
    }

    /// <summary><c>{"values": [AnyValue...]}</c>.</summary>
    private static ArrayValue ReadArrayValue(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var array = new ArrayValue();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (name is "values") { field = "values"; JsonArray.Read(ref reader, array.Values, AnyValueReader); }
                else reader.Skip();
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return array;
    }

    /// <summary><c>{"values": [KeyValue...]}</c>.</summary>
    private static KeyValueList ReadKeyValues(ref Utf8JsonReader reader)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        var list = new KeyValueList();
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (name is "values") { field = "values"; JsonArray.Read(ref reader, list.Values, KeyValueReader); }
                else reader.Skip();
            }
        }
        catch (OtlpJsonException e) { throw e.Within(field); }
        catch (JsonException e) { throw OtlpJsonException.Syntax(e).Within(field); }
        return list;
    }
}
