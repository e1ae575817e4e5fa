using System.Globalization;

namespace Kubetrace.Analysis;

/// <summary>How analysis tables write numbers for people: durations with a unit, rates and ratios briefly.</summary>
public static class AnalysisText
{
    public static string Duration(long nanos) => nanos switch
    {
        < 1_000 => $"{nanos} ns",
        < 1_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanos / 1e3:0.#} µs"),
        < 1_000_000_000 => string.Create(CultureInfo.InvariantCulture, $"{nanos / 1e6:0.#} ms"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{nanos / 1e9:0.##} s"),
    };

    /// <summary>A change: <c>+1.2 s</c>, <c>-30 ms</c>.</summary>
    public static string Signed(long nanos) => (nanos < 0 ? "-" : "+") + Duration(Math.Abs(nanos));

    public static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.##}%");

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
