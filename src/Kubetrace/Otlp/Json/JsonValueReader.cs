using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using Google.Protobuf;

namespace Kubetrace.Otlp.Json;

/// <summary>Reads one scalar value the way OTLP JSON encodes it; the reader stands on the value token.</summary>
/// <remarks>Every method throws <see cref="OtlpJsonException"/> with what was wrong; the caller adds the path.</remarks>
internal static class JsonValueReader
{
    public static string ReadString(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String, "a string");
        return Text(ref reader);
    }

    /// <summary>
    /// A string value, read only as far as one character past <paramref name="keepBytes"/> when it is much longer (0:
    /// read whole): the trimmer cuts it to the limit anyway, and read whole a 19 MiB value is a 38 MiB string first.
    /// Escaped text is read whole (its bytes are not its characters); every byte is still checked to be UTF-8, so
    /// what is refused does not change.
    /// </summary>
    public static string ReadString(ref Utf8JsonReader reader, int keepBytes)
    {
        Expect(ref reader, JsonTokenType.String, "a string");
        if (keepBytes == 0 || reader.HasValueSequence || reader.ValueIsEscaped) return Text(ref reader);
        var text = reader.ValueSpan;
        var kept = Validation.SpanTrimmer.KeptBeforeParse(text, keepBytes, utf8: true);
        if (kept == text.Length || !System.Text.Unicode.Utf8.IsValid(text)) return Text(ref reader); // invalid: throws with the message every string gets
        return System.Text.Encoding.UTF8.GetString(text[..kept]);
    }

    /// <summary>The text of the string token the reader stands on (a property name or a value).</summary>
    /// <exception cref="OtlpJsonException">It is not UTF-8 text: an invalid byte sequence, or an escape that is a lone
    /// surrogate (<c>"\ud800"</c>); the message gives the byte where the string starts.</exception>
    public static string Text(ref Utf8JsonReader reader)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            throw new OtlpJsonException(
                $"the string at byte {reader.TokenStartIndex} is not valid UTF-8 text (an invalid byte sequence or a lone surrogate escape)", e);
        }
    }

    public static bool ReadBool(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        _ => throw Unexpected(ref reader, "true or false"),
    };

    /// <summary>int64 / fixed64 / uint32 values: a decimal string (the OTLP form) or a JSON number.</summary>
    public static long ReadInt64(ref Utf8JsonReader reader) => checked((long)ReadInteger(ref reader, long.MinValue, long.MaxValue));

    public static ulong ReadUInt64(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number)) return number;
        if (reader.TokenType == JsonTokenType.String && TryParseUtf8(ref reader, out ulong parsed)) return parsed;
        return (ulong)ReadInteger(ref reader, 0, ulong.MaxValue);
    }

    public static uint ReadUInt32(ref Utf8JsonReader reader) => (uint)ReadInteger(ref reader, 0, uint.MaxValue);

    public static int ReadInt32(ref Utf8JsonReader reader) => (int)ReadInteger(ref reader, int.MinValue, int.MaxValue);

    public static double ReadDouble(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number) return reader.GetDouble();
        if (reader.TokenType != JsonTokenType.String) throw Unexpected(ref reader, "a number");
        var text = Text(ref reader);
        return text switch
        {
            "NaN" => double.NaN,
            "Infinity" => double.PositiveInfinity,
            "-Infinity" => double.NegativeInfinity,
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) => value,
            _ => throw new OtlpJsonException($"\"{Shorten(text)}\" is not a number"),
        };
    }

    /// <summary>
    /// trace_id / span_id / parent_span_id: hex, case-insensitive, any even length (the validator, not the codec,
    /// decides which lengths are acceptable, so that a wrong length rejects one span rather than the request).
    /// </summary>
    public static ByteString ReadHexBytes(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String, "a hex string");
        if (reader.HasValueSequence || reader.ValueIsEscaped) return HexFromString(Text(ref reader));
        var hex = reader.ValueSpan;
        if (hex.Length == 0) return ByteString.Empty;
        if (hex.Length % 2 != 0) throw new OtlpJsonException($"\"{Shorten(Text(ref reader))}\" is not a hex string: odd number of digits");
        var bytes = new byte[hex.Length / 2];
        if (Convert.FromHexString(hex, bytes, out _, out _) != OperationStatus.Done)
            throw new OtlpJsonException($"\"{Shorten(Text(ref reader))}\" is not a hex string");
        return UnsafeByteOperations.UnsafeWrap(bytes);
    }

    /// <summary>bytes values other than IDs (AnyValue.bytesValue): standard base64, as in proto3 JSON.</summary>
    public static ByteString ReadBase64Bytes(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.String, "a base64 string");
        if (reader.TryGetBytesFromBase64(out var bytes)) return UnsafeByteOperations.UnsafeWrap(bytes);
        throw new OtlpJsonException("not a valid base64 string");
    }

    /// <summary>
    /// An enum: OTLP requires the integer, but the name is accepted too, with or without its prefix and in any case
    /// (<c>2</c>, <c>"SPAN_KIND_SERVER"</c>, <c>"server"</c>), because being lenient here costs nothing.
    /// </summary>
    public static TEnum ReadEnum<TEnum>(ref Utf8JsonReader reader, string namePrefix) where TEnum : struct, Enum
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            var number = ReadInt32(ref reader);
            return System.Runtime.CompilerServices.Unsafe.As<int, TEnum>(ref number);
        }
        if (reader.TokenType != JsonTokenType.String) throw Unexpected(ref reader, "an enum number or name");
        var name = Text(ref reader);
        var bare = name.StartsWith(namePrefix, StringComparison.OrdinalIgnoreCase) ? name[namePrefix.Length..] : name;
        if (bare.Length > 0 && char.IsAsciiLetter(bare[0]) && Enum.TryParse<TEnum>(bare.Replace("_", ""), ignoreCase: true, out var value))
            return value;
        throw new OtlpJsonException($"\"{Shorten(name)}\" is not a known {typeof(TEnum).Name} value");
    }

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type) throw Unexpected(ref reader, what);
    }

    public static OtlpJsonException Unexpected(ref Utf8JsonReader reader, string expected) =>
        new($"expected {expected}, got {Describe(ref reader)}");

    private static decimal ReadInteger(ref Utf8JsonReader reader, decimal min, decimal max)
    {
        decimal value;
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt64(out var whole)) value = whole;
            else if (!reader.TryGetDecimal(out value)) throw new OtlpJsonException("number out of range");
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            if (TryParseUtf8(ref reader, out long whole)) value = whole;
            else if (!decimal.TryParse(Text(ref reader), NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                throw new OtlpJsonException($"\"{Shorten(Text(ref reader))}\" is not an integer");
        }
        else throw Unexpected(ref reader, "an integer (number or decimal string)");

        if (value != decimal.Truncate(value)) throw new OtlpJsonException($"{value} is not an integer");
        if (value < min || value > max) throw new OtlpJsonException($"{value} is out of range [{min}, {max}]");
        return value;
    }

    private static bool TryParseUtf8(ref Utf8JsonReader reader, out long value)
    {
        value = 0;
        if (reader.HasValueSequence || reader.ValueIsEscaped) return false;
        var span = reader.ValueSpan;
        return Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length;
    }

    private static bool TryParseUtf8(ref Utf8JsonReader reader, out ulong value)
    {
        value = 0;
        if (reader.HasValueSequence || reader.ValueIsEscaped) return false;
        var span = reader.ValueSpan;
        return Utf8Parser.TryParse(span, out value, out var consumed) && consumed == span.Length;
    }

    private static ByteString HexFromString(string hex)
    {
        try
        {
            return UnsafeByteOperations.UnsafeWrap(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new OtlpJsonException($"\"{Shorten(hex)}\" is not a hex string");
        }
    }

    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"string \"{Shorten(Text(ref reader))}\"",
        JsonTokenType.Number => "a number",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        var other => other.ToString(),
    };

    /// <summary>Keeps error messages short when the offending value is huge.</summary>
    internal static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
