using System.Globalization;
using System.Text;
using Google.Protobuf;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// Renders OTLP scalars the way the Collector's Go code prints them, so that the debug output reads (and diffs)
/// the same as the Collector's: Go's time.Time String(), lowercase hex IDs (empty when all zero), enum names.
/// </summary>
internal static class GoText
{
    /// <summary>Go's <c>time.Time.String()</c> in UTC: "2020-02-11 20:26:12.000000321 +0000 UTC", trailing zeros trimmed.</summary>
    public static void AppendTimestamp(StringBuilder text, ulong unixNano)
    {
        var seconds = (long)(unixNano / 1_000_000_000);
        var nanos = (int)(unixNano % 1_000_000_000);
        var time = DateTime.UnixEpoch.AddSeconds(seconds);
        text.Append(time.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        if (nanos != 0)
        {
            Span<char> digits = stackalloc char[9];
            nanos.TryFormat(digits, out _, "D9", CultureInfo.InvariantCulture);
            text.Append('.').Append(digits.TrimEnd('0'));
        }
        text.Append(" +0000 UTC");
    }

    /// <summary>An ID as pdata prints it: lowercase hex, or nothing for an absent or all-zero ID.</summary>
    public static void AppendId(StringBuilder text, ByteString id)
    {
        var span = id.Span;
        if (!span.ContainsAnyExcept((byte)0)) return;
        foreach (var b in span) text.Append(HexDigit(b >> 4)).Append(HexDigit(b & 0xF));
    }

    private static char HexDigit(int nibble) => (char)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);

    public static string KindName(Span.Types.SpanKind kind) => kind switch
    {
        Span.Types.SpanKind.Unspecified => "Unspecified",
        Span.Types.SpanKind.Internal => "Internal",
        Span.Types.SpanKind.Server => "Server",
        Span.Types.SpanKind.Client => "Client",
        Span.Types.SpanKind.Producer => "Producer",
        Span.Types.SpanKind.Consumer => "Consumer",
        _ => ((int)kind).ToString(CultureInfo.InvariantCulture),
    };

    public static string StatusName(Status.Types.StatusCode code) => code switch
    {
        Status.Types.StatusCode.Unset => "Unset",
        Status.Types.StatusCode.Ok => "Ok",
        Status.Types.StatusCode.Error => "Error",
        _ => ((int)code).ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Go's pcommon float formatting (ES6 number to string): fixed notation, exponent below 1e-6 and from 1e21.</summary>
    public static string Double(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value))
            return value.ToString(CultureInfo.InvariantCulture);
        var abs = Math.Abs(value);
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var wantsExponent = abs != 0 && (abs < 1e-6 || abs >= 1e21);
        if (wantsExponent)
        {
            // .NET writes 1E-07 / 1E+21; Go writes 1e-07 → cleaned to 1e-7, and 1e+21.
            text = text.Replace("E", "e", StringComparison.Ordinal);
            var e = text.IndexOf('e');
            if (e >= 0 && e + 2 < text.Length && text[e + 2] == '0' && text.Length > e + 3)
                text = text.Remove(e + 2, 1);
            return text;
        }
        return text.Contains('E') ? ((decimal)value).ToString(CultureInfo.InvariantCulture) : text;
    }
}
