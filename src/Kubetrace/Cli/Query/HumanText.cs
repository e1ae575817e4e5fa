using System.Globalization;

namespace Kubetrace.Cli.Query;

/// <summary>Durations, times and sizes as a person reads them in a terminal column.</summary>
public static class HumanText
{
    /// <summary><c>850µs</c>, <c>4.2ms</c>, <c>120ms</c>, <c>1.53s</c>, <c>2m05s</c>: three significant digits at most.</summary>
    public static string Duration(long nanos)
    {
        if (nanos < 0) nanos = 0;
        if (nanos < 1_000) return $"{nanos}ns";
        if (nanos < 1_000_000) return Scaled(nanos / 1e3, "µs");
        if (nanos < 1_000_000_000) return Scaled(nanos / 1e6, "ms");
        if (nanos < 60_000_000_000) return Scaled(nanos / 1e9, "s");
        var time = TimeSpan.FromTicks(nanos / 100);
        return time.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}h{time.Minutes:00}m")
            : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}m{time.Seconds:00}s");
    }

    /// <summary>
    /// A count as people read it, thousands grouped (<c>19,760</c>): the one way every command, analysis note and table
    /// writes how many of something there are (the UI's format.js count() writes them the same).
    /// </summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>UTC (the same on every machine, and sortable), to the millisecond or the second.</summary>
    public static string Time(long unixNanos, bool milliseconds = true) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixNanos / 1_000_000).UtcDateTime
            .ToString(milliseconds ? "yyyy-MM-dd HH:mm:ss.fff" : "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Bytes(long bytes)
    {
        string[] units = ["B", "KiB", "MiB", "GiB", "TiB"];
        double value = bytes;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? $"{bytes} B" : Scaled(value, " " + units[unit]);
    }

    private static string Scaled(double value, string unit) =>
        (value < 10 ? value.ToString("0.##", CultureInfo.InvariantCulture)
            : value < 100 ? value.ToString("0.#", CultureInfo.InvariantCulture)
            : value.ToString("0", CultureInfo.InvariantCulture)) + unit;
}
