namespace Kubetrace.Analysis;

/// <summary>
/// How analysis reports (their JSON side) write measured numbers: durations in milliseconds, shares as fractions.
/// Rounded to what a log-linear percentile or a float sum can claim, so that the JSON reads 12.345, not 12.34500000001.
/// The text side of the same numbers is <see cref="AnalysisText"/>.
/// </summary>
public static class ReportNumbers
{
    /// <summary>Nanoseconds as milliseconds, to the microsecond.</summary>
    public static double Ms(double nanos) => Math.Round(nanos / 1e6, 3);

    /// <summary>A fraction to four decimals (0.1234 = 12.34%).</summary>
    public static double Fraction(double value) => Math.Round(value, 4);

    /// <summary>Seconds or a rate per second, to three decimals.</summary>
    public static double Thousandths(double value) => Math.Round(value, 3);
}
