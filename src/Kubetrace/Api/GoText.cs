using System.Globalization;
using Kubetrace.Config;

namespace Kubetrace.Api;

/// <summary>
/// Parses numbers and durations with the error texts of Go's strconv and time packages, because Jaeger and Tempo
/// clients (and their conformance cases) show those messages verbatim.
/// </summary>
public static class GoText
{
    public static bool TryParseInt64(string text, out long value, out string error)
    {
        error = "";
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value)) return true;
        error = $"strconv.ParseInt: parsing \"{text}\": {(IsInteger(text) ? "value out of range" : "invalid syntax")}";
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
