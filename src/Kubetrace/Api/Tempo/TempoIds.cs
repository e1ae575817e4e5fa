using System.Globalization;
using Google.Protobuf;
using Kubetrace.Storage;

namespace Kubetrace.Api.Tempo;

/// <summary>Trace and span IDs as Tempo parses and prints them (pkg/util/traceid.go).</summary>
public static class TempoIds
{
    /// <summary>1–32 hex digits, case-insensitive, left-padded with zeros; Tempo's error texts otherwise.</summary>
    public static TraceId ParseTraceId(string text)
    {
        for (var i = 0; i < text.Length; i++)
            if (!char.IsAsciiHexDigit(text[i]))
                throw new BadQueryException($"trace IDs can only contain hex characters: invalid character '{text[i]}' at position {i + 1}");
        if (text.Length > 32) throw new BadQueryException("trace IDs can't be larger than 128 bits");
        if (text.Length == 0) throw new BadQueryException("trace ID is empty");
        return new TraceId(UInt128.Parse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
    }

    /// <summary>Hex with leading zeros trimmed (search results).</summary>
    public static string FormatTraceId(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes).TrimStart('0');

    public static string FormatTraceId(TraceId id) => FormatTraceId(id.ToBytes());

    /// <summary>Hex with leading zeros trimmed, then left-padded to 16 digits (span IDs in spansets).</summary>
    public static string FormatSpanId(ReadOnlySpan<byte> bytes) => FormatTraceId(bytes).PadLeft(16, '0');

    public static string FormatSpanId(ByteString bytes) => FormatSpanId(bytes.Span);
}
