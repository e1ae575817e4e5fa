using System.Globalization;

namespace Kubetrace.Analysis;

/// <summary>How analysis tables write numbers for people: durations with a unit, rates and ratios briefly.</summary>
public static class AnalysisText
{
    /// <summary>As every command prints durations (<see cref="Cli.Query.HumanText.Duration"/>): 850µs, 12.5ms, 3.2s.</summary>
    public static string Duration(long nanos) => Cli.Query.HumanText.Duration(nanos);

    /// <summary>A change: <c>+1.2 s</c>, <c>-30 ms</c>.</summary>
    public static string Signed(long nanos) => (nanos < 0 ? "-" : "+") + Duration(Math.Abs(nanos));

    public static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.##}%");

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString(CultureInfo.InvariantCulture);
}
