using System.Text.Json;
using Google.Protobuf.Collections;

namespace Kubetrace.Otlp.Json;

internal delegate T JsonElementReader<out T>(ref Utf8JsonReader reader);

/// <summary>Reads a JSON array into a repeated field; an error inside an element gets the element's index.</summary>
internal static class JsonArray
{
    public static void Read<T>(ref Utf8JsonReader reader, RepeatedField<T> into, JsonElementReader<T> readElement)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartArray, "an array");
        var index = 0;
        try
        {
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                into.Add(readElement(ref reader));
                index++;
            }
        }
        catch (OtlpJsonException e)
        {
            throw e.AtIndex(index);
        }
    }
}
