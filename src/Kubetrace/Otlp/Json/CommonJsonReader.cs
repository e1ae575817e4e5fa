using System.Text.Json;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;

namespace Kubetrace.Otlp.Json;

/// <summary>Reads the OTLP common and resource messages (attributes, values, scope, resource).</summary>
/// <remarks>Each reader stands on the value's first token and leaves the reader on its last (see <see cref="JsonObject"/>).</remarks>
internal static class CommonJsonReader
{
    public static readonly JsonElementReader<KeyValue> KeyValueReader = ReadKeyValue;
    public static readonly JsonElementReader<AnyValue> AnyValueReader = ReadAnyValue;

    private static readonly JsonFieldReader<Resource> ResourceFields = ReadResourceField;
    private static readonly JsonFieldReader<InstrumentationScope> ScopeFields = ReadScopeField;
    private static readonly JsonFieldReader<KeyValue> KeyValueFields = ReadKeyValueField;
    private static readonly JsonFieldReader<AnyValue> AnyValueFields = ReadAnyValueField;
    private static readonly JsonFieldReader<ArrayValue> ArrayValueFields = ReadArrayValueField;
    private static readonly JsonFieldReader<KeyValueList> KeyValueListFields = ReadKeyValueListField;

    /// <summary>How much of a long string value to read (0: all of it), set by <see cref="OtlpJson.ParseRequest(ReadOnlySpan{byte}, int)"/>
    /// for the length of one read: a read is synchronous on one thread, and the field readers are delegates without a
    /// context to carry it.</summary>
    [ThreadStatic] internal static int KeepValueBytes;

    public static Resource ReadResource(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new Resource(), ResourceFields);

    public static InstrumentationScope ReadScope(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new InstrumentationScope(), ScopeFields);

    public static KeyValue ReadKeyValue(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new KeyValue(), KeyValueFields);

    public static AnyValue ReadAnyValue(ref Utf8JsonReader reader) => JsonObject.Read(ref reader, new AnyValue(), AnyValueFields);

    private static bool ReadResourceField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, Resource resource, ref string field)
    {
        switch (name)
        {
            case "attributes": field = "attributes"; JsonArray.Read(ref reader, resource.Attributes, KeyValueReader); return true;
            case "droppedattributescount": field = "droppedAttributesCount"; resource.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadScopeField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, InstrumentationScope scope, ref string field)
    {
        switch (name)
        {
            case "name": field = "name"; scope.Name = JsonValueReader.ReadString(ref reader); return true;
            case "version": field = "version"; scope.Version = JsonValueReader.ReadString(ref reader); return true;
            case "attributes": field = "attributes"; JsonArray.Read(ref reader, scope.Attributes, KeyValueReader); return true;
            case "droppedattributescount": field = "droppedAttributesCount"; scope.DroppedAttributesCount = JsonValueReader.ReadUInt32(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadKeyValueField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, KeyValue keyValue, ref string field)
    {
        switch (name)
        {
            case "key": field = "key"; keyValue.Key = JsonValueReader.ReadString(ref reader); return true;
            case "value": field = "value"; keyValue.Value = ReadAnyValue(ref reader); return true;
            default: return false;
        }
    }

    private static bool ReadAnyValueField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, AnyValue value, ref string field)
    {
        switch (name)
        {
            case "stringvalue": field = "stringValue"; value.StringValue = JsonValueReader.ReadString(ref reader, KeepValueBytes); return true;
            case "boolvalue": field = "boolValue"; value.BoolValue = JsonValueReader.ReadBool(ref reader); return true;
            case "intvalue": field = "intValue"; value.IntValue = JsonValueReader.ReadInt64(ref reader); return true;
            case "doublevalue": field = "doubleValue"; value.DoubleValue = JsonValueReader.ReadDouble(ref reader); return true;
            case "bytesvalue": field = "bytesValue"; value.BytesValue = JsonValueReader.ReadBase64Bytes(ref reader); return true;
            case "arrayvalue": field = "arrayValue"; value.ArrayValue = JsonObject.Read(ref reader, new ArrayValue(), ArrayValueFields); return true;
            case "kvlistvalue": field = "kvlistValue"; value.KvlistValue = JsonObject.Read(ref reader, new KeyValueList(), KeyValueListFields); return true;
            default: return false;
        }
    }

    /// <summary><c>{"values": [AnyValue...]}</c>.</summary>
    private static bool ReadArrayValueField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, ArrayValue array, ref string field)
    {
        if (name is not "values") return false;
        field = "values";
        JsonArray.Read(ref reader, array.Values, AnyValueReader);
        return true;
    }

    /// <summary><c>{"values": [KeyValue...]}</c>.</summary>
    private static bool ReadKeyValueListField(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, KeyValueList list, ref string field)
    {
        if (name is not "values") return false;
        field = "values";
        JsonArray.Read(ref reader, list.Values, KeyValueReader);
        return true;
    }
}
