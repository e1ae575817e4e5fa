using System.Text.Json;

namespace Kubetrace.Otlp.Json;

/// <summary>
/// Reads one field of a message: sets <paramref name="field"/> to the field's OTLP name (for error paths) and reads
/// its value; returns false for a name that is not a field of the message (the value is then skipped).
/// </summary>
/// <param name="name">The key folded by <see cref="JsonFieldName"/> (lower case, no underscores).</param>
internal delegate bool JsonFieldReader<in T>(ref Utf8JsonReader reader, scoped ReadOnlySpan<char> name, T target, ref string field);

/// <summary>
/// The loop every message reader shares: expects an object, folds each key, treats <c>null</c> as the default,
/// skips unknown keys, and adds the current field to the path of any error.
/// </summary>
internal static class JsonObject
{
    public static T Read<T>(ref Utf8JsonReader reader, T target, JsonFieldReader<T> readField)
    {
        JsonValueReader.Expect(ref reader, JsonTokenType.StartObject, "an object");
        Span<char> buffer = stackalloc char[JsonFieldName.MaxLength];
        var field = "";
        try
        {
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = buffer[..JsonFieldName.Fold(ref reader, buffer)];
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                if (!readField(ref reader, name, target, ref field)) reader.Skip();
                field = "";
            }
        }
        catch (OtlpJsonException e)
        {
            throw e.Within(field);
        }
        catch (JsonException e)
        {
            throw OtlpJsonException.Syntax(e).Within(field);
        }
        return target;
    }
}
