namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// Table cells of figures that rest on a sample, with their marks: percentiles as their bound allows (<c>≥12ms</c>,
/// <c>12ms?</c>), counts and rates with the scaled estimate (<c>25 (≈250,000)</c>, <c>≈25/s</c>), error rates with
/// their interval when it is wide (<c>0% (0–98%)</c>). See <see cref="SamplingSummary"/> for the notes that explain them.
/// </summary>
public static class SampleText
{
    /// <summary>The percentile <paramref name="name"/> of the row: its value, or its bound and mark when the sample is too small;
    /// "–" when the row has calls but none with a latency (all watch streams: <see cref="LongRunningRequests"/>).</summary>
    public static string Percentile(RowSample sample, string name, double valueMs)
    {
        var bound = sample.Percentile(name);
        if (bound is { Samples: 0 } && sample.Sampled > 0) return "–";
        return bound?.Mark switch
        {
            "≥" => "≥" + AnalysisText.DurationMs(bound.LowMs ?? valueMs),
            "≤" => "≤" + AnalysisText.DurationMs(bound.HighMs ?? valueMs),
            "?" => AnalysisText.DurationMs(valueMs) + "?",
            _ => AnalysisText.DurationMs(valueMs),
        };
    }

    /// <summary>The same for a percentile held in nanoseconds.</summary>
    public static string PercentileNanos(RowSample sample, string name, long nanos) => Percentile(sample, name, ReportNumbers.Ms(nanos));

    /// <summary>A sampled count, and what it stands for when the rate is known: <c>25 (≈250,000)</c>.</summary>
    public static string Count(RowSample sample) =>
        AnalysisText.Count(sample.Sampled) + (sample.Estimated is { } estimated ? $" (≈{AnalysisText.Count((long)Math.Round(estimated))})" : "");

    /// <summary>A rate per second: the scaled estimate (<c>≈25/s</c>) when the rate is known, else the sampled one.</summary>
    public static string Rate(RowSample sample, double sampledPerSecond) =>
        sample.EstimatedPerSecond is { } estimated ? "≈" + AnalysisText.Rate(estimated) : AnalysisText.Rate(sampledPerSecond);

    /// <summary>An error rate (<paramref name="rateText"/>, as the table writes rates), followed by its 95% interval when that is wide.</summary>
    public static string ErrorRate(RowSample sample, string rateText) =>
        rateText + (sample.ErrorRate is { Wide: true } bound
            ? $" ({AnalysisText.ShortPercent(bound.Low)}–{AnalysisText.ShortPercent(bound.High)})" : "");
}
