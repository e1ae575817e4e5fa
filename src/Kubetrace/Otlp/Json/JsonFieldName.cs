using System.Text.Json;

namespace Kubetrace.Otlp.Json;

/// <summary>
/// Folds a JSON property name to one spelling (ASCII lower case, underscores dropped) so that a single
/// <c>switch</c> accepts the OTLP lowerCamelCase key (<c>traceId</c>) and the proto field name (<c>trace_id</c>),
/// as proto3 JSON parsers do.
/// </summary>
internal static class JsonFieldName
{
    /// <summary>Longer names are not ours; they fold to empty and are skipped as unknown.</summary>
    public const int MaxLength = 48;

    /// <summary>Writes the folded name into <paramref name="buffer"/> and returns its length (0 for a name that is not ours).</summary>
    public static int Fold(ref Utf8JsonReader reader, scoped Span<char> buffer)
    {
        if (reader.HasValueSequence || reader.ValueIsEscaped) return FoldChars(JsonValueReader.Text(ref reader), buffer);
        var raw = reader.ValueSpan;
        var length = 0;
        foreach (var b in raw)
        {
            if (b == (byte)'_') continue;
            if (length == buffer.Length || b >= 0x80) return 0;
            buffer[length++] = (char)(b is >= (byte)'A' and <= (byte)'Z' ? b | 0x20 : b);
        }
        return length;
    }

    private static int FoldChars(string name, scoped Span<char> buffer)
    {
        var length = 0;
        foreach (var c in name)
        {
            if (c == '_') continue;
            if (length == buffer.Length || c >= 0x80) return 0;
            buffer[length++] = char.ToLowerInvariant(c);
        }
        return length;
    }
}
