using System.Globalization;

namespace Kubetrace.Analysis;

/// <summary>
/// How analysis tables write numbers for people: durations with a unit, rates and ratios briefly. The one home of
/// table text for every analysis, generic and Kubernetes; the JSON side of the same numbers is <see cref="ReportNumbers"/>.
/// </summary>
public static class AnalysisText
{
    /// <summary>As every command prints durations (<see cref="Cli.Query.HumanText.Duration"/>): 850µs, 12.5ms, 3.2s.</summary>
    public static string Duration(long nanos) => Cli.Query.HumanText.Duration(nanos);

    /// <summary>A duration a report holds in milliseconds (<see cref="ReportNumbers.Ms"/>), written as <see cref="Duration(long)"/>.</summary>
    public static string DurationMs(double milliseconds) => Duration((long)Math.Round(milliseconds * 1e6));

    /// <summary>A change: <c>+1.2 s</c>, <c>-30 ms</c>.</summary>
    public static string Signed(long nanos) => (nanos < 0 ? "-" : "+") + Duration(Math.Abs(nanos));

    /// <summary>A ratio to two decimals at most: 0.1234 is <c>12.34%</c>, 0.0005 is <c>0.05%</c> (small error rates stay visible).</summary>
    public static string Percent(double ratio) => string.Create(CultureInfo.InvariantCulture, $"{ratio * 100:0.##}%");

    /// <summary>
    /// A share in two or three characters for wide tables of shares (the Kubernetes analyses): whole percents from 10%,
    /// one decimal below (<c>42%</c>, <c>3.5%</c>), <c>n/a</c> when there was nothing to divide.
    /// </summary>
    public static string ShortPercent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString(f >= 0.1 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>As every command writes counts (<see cref="Cli.Query.HumanText.Count"/>): <c>1,234,567</c>.</summary>
    public static string Count(long value) => Cli.Query.HumanText.Count(value);

    /// <summary>Events per second: whole from 10/s, two decimals at most below (<c>250/s</c>, <c>0.25/s</c>).</summary>
    public static string Rate(double perSecond) => perSecond.ToString(perSecond >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture) + "/s";

    /// <summary>The percentile method every table built on <see cref="LatencySketch"/> notes.</summary>
    public const string PercentileNote =
        "Percentiles: nearest rank over a log-linear histogram (128 buckets per power of two), within 0.78% of exact.";
}
