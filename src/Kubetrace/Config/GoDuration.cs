using System.Globalization;

namespace Kubetrace.Config;

/// <summary>
/// Parses durations the way Go's <c>time.ParseDuration</c> does, because Collector configurations are written in
/// that syntax: a sequence of decimal numbers with units (<c>ns us µs ms s m h</c>), e.g. <c>300ms</c>,
/// <c>1m30s</c>, <c>1.5h</c>, optionally signed; a bare <c>0</c> is zero. Precision below 100 ns (one tick) is truncated.
/// Command-line flags, API parameters and UI fields take the same grammar plus days and weeks
/// (<see cref="TryParseWithDays"/>: <c>d</c> = 24h, <c>w</c> = 7d, as Prometheus and Tempo's UI write ranges), so
/// "the last 7d" reads the same everywhere; configuration files stay strictly Go's, as the Collector reads them.
/// </summary>
public static class GoDuration
{
    public const string Hint = "use e.g. 5s, 200ms";

    /// <summary>The hint for flags and API parameters, which also take days and weeks.</summary>
    public const string HintWithDays = "use e.g. 200ms, 5m, 1h, 7d, 2w";

    /// <summary>Go's <c>time.ParseDuration</c>: units <c>ns us µs ms s m h</c>.</summary>
    public static bool TryParse(string text, out TimeSpan value) => TryParse(text, withDays: false, out value);

    /// <summary>Go's grammar plus <c>d</c> (24 h) and <c>w</c> (7 d): the one grammar of every flag, API parameter and UI field.</summary>
    public static bool TryParseWithDays(string text, out TimeSpan value) => TryParse(text, withDays: true, out value);

    /// <summary>Whether <paramref name="unit"/> is a unit of the grammar (<paramref name="withDays"/>: also <c>d</c> and <c>w</c>).</summary>
    public static bool IsUnit(ReadOnlySpan<char> unit, bool withDays) => UnitInNanoseconds(unit, withDays) != 0;

    /// <summary>
    /// <paramref name="value"/> in the flags' grammar, as short as it reads: <c>3d</c> for whole days, else hours,
    /// minutes, seconds and below (<c>36h</c>, <c>1h30m</c>, <c>300ms</c>, <c>1s500ms</c>); parses back to the same value.
    /// Without <paramref name="withDays"/>, in Go's grammar (<c>168h</c>), which a configuration file takes.
    /// </summary>
    public static string Format(TimeSpan value, bool withDays = true)
    {
        if (value == TimeSpan.Zero) return "0s";
        if (value < TimeSpan.Zero) return "-" + Format(value.Duration(), withDays);
        if (withDays && value.Ticks % TimeSpan.TicksPerDay == 0) return $"{value.Ticks / TimeSpan.TicksPerDay}d";
        var text = new System.Text.StringBuilder();
        var ticks = value.Ticks;
        foreach (var (unit, size) in FormatUnits)
        {
            if (ticks < size) continue;
            text.Append(ticks / size).Append(unit);
            ticks %= size;
        }
        if (ticks > 0) text.Append(ticks * 100).Append("ns");
        return text.ToString();
    }

    private static readonly (string Unit, long Ticks)[] FormatUnits =
    [
        ("h", TimeSpan.TicksPerHour), ("m", TimeSpan.TicksPerMinute), ("s", TimeSpan.TicksPerSecond),
        ("ms", TimeSpan.TicksPerMillisecond), ("µs", TimeSpan.TicksPerMicrosecond),
    ];

    private static bool TryParse(string text, bool withDays, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (!TryParseNanoseconds(text, withDays, out var totalNanoseconds)) return false;
        var ticks = totalNanoseconds / 100;
        if (decimal.Abs(ticks) > TimeSpan.MaxValue.Ticks) return false;
        value = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    /// <summary>The duration in nanoseconds, exactly (TraceQL needs nanosecond precision), in Go's grammar.</summary>
    public static bool TryParseNanoseconds(string text, out decimal totalNanoseconds) =>
        TryParseNanoseconds(text, withDays: false, out totalNanoseconds);

    private static bool TryParseNanoseconds(string text, bool withDays, out decimal totalNanoseconds)
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
            var nanosecondsPerUnit = UnitInNanoseconds(s[..unitLength], withDays);
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

    private static decimal UnitInNanoseconds(ReadOnlySpan<char> unit, bool withDays) => unit switch
    {
        "d" when withDays => 86_400_000_000_000m,
        "w" when withDays => 604_800_000_000_000m,
        "ns" => 1m,
        "us" or "µs" or "μs" => 1_000m,
        "ms" => 1_000_000m,
        "s" => 1_000_000_000m,
        "m" => 60_000_000_000m,
        "h" => 3_600_000_000_000m,
        _ => 0m,
    };
}
