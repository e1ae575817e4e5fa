using System.Globalization;
using Kubetrace.Config;

namespace Kubetrace.Api;

/// <summary>
/// Parses numbers and durations with the error texts of Go's strconv and time packages, because Jaeger and Tempo
/// clients (and their conformance cases) show those messages verbatim.
/// </summary>
public static class GoText
{
    public static bool TryParseInt64(string text, out long value, out string error) => TryParseSigned(text, "strconv.ParseInt", out value, out error);

    /// <summary>Go's <c>strconv.Atoi</c> (a 64-bit int in Go; here it must also fit 32 bits).</summary>
    public static bool TryParseInt32(string text, out int value, out string error) => TryParseSigned(text, "strconv.Atoi", out value, out error);

    private static bool TryParseSigned<T>(string text, string function, out T value, out string error) where T : System.Numerics.IBinaryInteger<T>
    {
        error = "";
        if (T.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value!)) return true;
        error = $"{function}: parsing \"{text}\": {(IsInteger(text) ? "value out of range" : "invalid syntax")}";
        return false;
    }

    /// <summary>Go's <c>strconv.ParseUint(text, 10, 32)</c>.</summary>
    public static bool TryParseUint32(string text, out uint value, out string error)
    {
        error = "";
        if (uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)) return true;
        var digits = text.Length > 0 && text.All(char.IsAsciiDigit);
        error = $"strconv.ParseUint: parsing \"{text}\": {(digits ? "value out of range" : "invalid syntax")}";
        return false;
    }

    /// <summary>Go's <c>strconv.ParseBool</c>: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False.</summary>
    public static bool TryParseBool(string text, out bool value, out string error)
    {
        error = "";
        (var known, value) = text switch
        {
            "1" or "t" or "T" or "TRUE" or "true" or "True" => (true, true),
            "0" or "f" or "F" or "FALSE" or "false" or "False" => (true, false),
            _ => (false, false),
        };
        if (!known) error = $"strconv.ParseBool: parsing \"{text}\": invalid syntax";
        return known;
    }

    /// <summary>Go's <c>strconv.ParseFloat(text, 64)</c>.</summary>
    public static bool TryParseFloat(string text, out double value, out string error)
    {
        error = "";
        if (text.Length > 0 && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value)) return true;
        value = 0;
        error = $"strconv.ParseFloat: parsing \"{text}\": invalid syntax";
        return false;
    }

    /// <summary>
    /// Go's <c>time.Parse(time.RFC3339Nano, text)</c> as Unix nanoseconds: <c>2006-01-02T15:04:05.999999999Z07:00</c>,
    /// fraction optional (up to nine digits), <c>Z</c> or a <c>±hh:mm</c> offset.
    /// </summary>
    public static bool TryParseRfc3339Nano(string text, out long unixNanos, out string error)
    {
        error = "";
        unixNanos = 0;
        var match = Rfc3339.Match(text);
        if (match.Success && DateTimeOffset.TryParseExact(match.Groups["seconds"].Value + match.Groups["zone"].Value.Replace("z", "Z", StringComparison.Ordinal),
                ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd't'HH:mm:ssK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var seconds))
        {
            var fraction = match.Groups["fraction"].Value;
            var nanos = fraction.Length == 0 ? 0 : long.Parse(fraction.PadRight(9, '0'), CultureInfo.InvariantCulture);
            unixNanos = (seconds.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 + nanos;
            if (unixNanos >= 0) return true;
        }
        error = $"parsing time \"{text}\" as \"2006-01-02T15:04:05.999999999Z07:00\": not an RFC 3339 time at or after 1970";
        return false;
    }

    private static readonly System.Text.RegularExpressions.Regex Rfc3339 = new(
        @"^(?<seconds>\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2})(?:\.(?<fraction>\d{1,9}))?(?<zone>[Zz]|[+-]\d{2}:\d{2})$",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// A duration parameter: Go's <c>time.ParseDuration</c> plus days and weeks (<c>7d</c>, <c>2w</c>, as Grafana and the
    /// web UI send ranges; <see cref="GoDuration.TryParseWithDays"/>), with Go's error texts.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan value, out string error)
    {
        error = "";
        if (GoDuration.TryParseWithDays(text, out value)) return true;
        error = DurationError(text);
        return false;
    }

    private static string DurationError(string text)
    {
        var s = text.TrimStart('+', '-');
        var i = 0;
        while (i < s.Length)
        {
            var numberStart = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == numberStart) break;
            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.') i++;
            if (unitStart == i) return $"time: missing unit in duration \"{text}\"";
            var unit = s[unitStart..i];
            if (!GoDuration.IsUnit(unit, withDays: true))
                return $"time: unknown unit \"{unit}\" in duration \"{text}\"";
        }
        return $"time: invalid duration \"{text}\"";
    }

    private static bool IsInteger(string text) =>
        text.Length > 0 && text.TrimStart('+', '-') is { Length: > 0 } digits && digits.All(char.IsAsciiDigit);
}
