using System.Globalization;
using Google.Protobuf;
using Kubetrace.Storage;

namespace Kubetrace.Api.Jaeger;

/// <summary>Trace and span IDs as Jaeger writes and reads them.</summary>
public static class JaegerIds
{
    /// <summary>Parses a trace ID param: 1–32 hex digits, case-insensitive, short IDs left-padded with zeros.</summary>
    public static TraceId ParseTraceId(string text)
    {
        if (text.Length > 32)
            throw new BadQueryException($"cannot parse traceID param: TraceID cannot be longer than 32 hex characters: {text}");
        if (!TraceId.TryParse(text, out var id))
            throw new BadQueryException($"cannot parse traceID param: strconv.ParseUint: parsing \"{text}\": invalid syntax");
        return id;
    }

    /// <summary>16 hex digits when the high 64 bits are zero (Jaeger's 64-bit IDs), 32 otherwise.</summary>
    public static string Format(TraceId id) =>
        id.Value >> 64 == 0 ? ((ulong)id.Value).ToString("x16", CultureInfo.InvariantCulture) : id.ToString();

    public static string FormatTraceId(ByteString bytes) => Format(TraceId.FromByteString(bytes));

    public static string FormatSpanId(ByteString bytes) => Convert.ToHexStringLower(bytes.Span);
}
