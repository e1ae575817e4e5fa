using System.Globalization;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>How the Kubernetes analyses write numbers: milliseconds and fractions in JSON, readable text in tables.</summary>
internal static class AnalysisFormat
{
    /// <summary>Nanoseconds as milliseconds, to the microsecond.</summary>
    public static double Ms(double nanos) => Math.Round(nanos / 1e6, 3);

    /// <summary>A fraction to four decimals (0.1234 = 12.34%).</summary>
    public static double Fraction(double value) => Math.Round(value, 4);

    public static string Percent(double? fraction) =>
        fraction is { } f ? (f * 100).ToString(f >= 0.1 ? "0" : "0.0", CultureInfo.InvariantCulture) + "%" : "n/a";

    /// <summary>As every analysis table writes durations (<see cref="Analysis.AnalysisText.Duration"/>).</summary>
    public static string Duration(double nanos) => Analysis.AnalysisText.Duration((long)Math.Round(nanos));

    public static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString(perSecond >= 10 ? "0" : "0.##", CultureInfo.InvariantCulture) + "/s";

    /// <summary>The percentile method every table notes.</summary>
    public const string PercentileNote =
        "Percentiles: nearest rank over a log-linear histogram (128 buckets per power of two), within 0.78% of exact.";
}
