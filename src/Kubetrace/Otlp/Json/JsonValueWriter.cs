using System.Buffers.Text;
using System.Text.Json;
using Google.Protobuf;

namespace Kubetrace.Otlp.Json;

/// <summary>Writes scalar values in their OTLP JSON form, without intermediate strings.</summary>
internal static class JsonValueWriter
{
    /// <summary>IDs as lower-case hex (the OTLP JSON form, not base64).</summary>
    public static void WriteHex(Utf8JsonWriter writer, JsonEncodedText key, ByteString bytes)
    {
        var source = bytes.Span;
        if (source.Length <= 64)
        {
            Span<char> hex = stackalloc char[source.Length * 2];
            Convert.TryToHexStringLower(source, hex, out _);
            writer.WriteString(key, hex);
        }
        else
        {
            writer.WriteString(key, Convert.ToHexStringLower(source));
        }
    }

    /// <summary>64-bit integers as decimal strings, as OTLP JSON asks (JavaScript numbers lose precision past 2^53).</summary>
    public static void WriteInt64String(Utf8JsonWriter writer, JsonEncodedText key, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        writer.WriteString(key, digits[..written]);
    }

    public static void WriteUInt64String(Utf8JsonWriter writer, JsonEncodedText key, ulong value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        writer.WriteString(key, digits[..written]);
    }

    /// <summary>Doubles as numbers; NaN and the infinities as the strings proto3 JSON uses for them.</summary>
    public static void WriteDouble(Utf8JsonWriter writer, JsonEncodedText key, double value)
    {
        if (double.IsFinite(value)) writer.WriteNumber(key, value);
        else writer.WriteString(key, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
}
