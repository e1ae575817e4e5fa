using System.Globalization;

namespace Kubetrace.Config;

/// <summary>
/// Parses durations the way Go's <c>time.ParseDuration</c> does, because Collector configurations are written in
/// that syntax: a sequence of decimal numbers with units (<c>ns us µs ms s m h</c>), e.g. <c>300ms</c>,
/// <c>1m30s</c>, <c>1.5h</c>, optionally signed; a bare <c>0</c> is zero. Precision below 100 ns (one tick) is truncated.
/// </summary>
public static class GoDuration
{
    public const string Hint = "use e.g. 5s, 200ms";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!TryParseNanoseconds(text, out var totalNanoseconds)) return false;
        var ticks = totalNanoseconds / 100;
        if (decimal.Abs(ticks) > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The duration in nanoseconds, exactly (TraceQL needs nanosecond precision).</summary>
    public static bool TryParseNanoseconds(string text, out decimal totalNanoseconds)
    {
        totalNanoseconds = 0;
        var s = text.AsSpan().Trim();
        if (s.IsEmpty) return false;
        var negative = false;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        if (s is "0") return true;
        if (s.IsEmpty) return false;

        while (!s.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < s.Length && (char.IsAsciiDigit(s[numberLength]) || s[numberLength] == '.')) numberLength++;
            if (numberLength == 0 || s[..numberLength] is ".") return false;
            if (!decimal.TryParse(s[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
                return false;
            s = s[numberLength..];

            var unitLength = 0;
            while (unitLength < s.Length && !char.IsAsciiDigit(s[unitLength]) && s[unitLength] != '.') unitLength++;
            if (unitLength == 0) return false; // Go requires a unit on every number except a lone "0".
            var nanosecondsPerUnit = UnitInNanoseconds(s[..unitLength]);
            if (nanosecondsPerUnit == 0) return false;
            s = s[unitLength..];

            try
            {
                totalNanoseconds += number * nanosecondsPerUnit;
            }
            catch (OverflowException)
            {
                return false;
            }
        }
        if (negative) totalNanoseconds = -totalNanoseconds;
        return true;
    }

    private static decimal UnitInNanoseconds(ReadOnlySpan<char> unit) => unit switch
    {
        "ns" => 1m,
        "us" or "µs" or "μs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
