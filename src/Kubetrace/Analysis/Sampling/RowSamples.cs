namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// Builds each row's <see cref="RowSample"/> from its tally and sketches when an analysis reports, with the
/// rates of the request: one way for every analysis.
/// </summary>
public sealed class RowSamples(SamplingRates rates)
{
    /// <summary>An error-rate interval wider than this (10 points) is shown beside the rate.</summary>
    public const double WideInterval = 0.10;

    /// <summary>The percentiles every table shows some of.</summary>
    public static readonly (string Name, double Quantile)[] Standard = [("p50", 0.5), ("p95", 0.95), ("p99", 0.99)];

    public SamplingRates Rates => rates;

    /// <summary>
    /// The row's sample: <paramref name="tally"/> scaled by the rates; the standard percentiles of
    /// <paramref name="latency"/> bounded; a rate per second over <paramref name="seconds"/>; the error rate's interval
    /// when <paramref name="errors"/>.
    /// </summary>
    public RowSample Of(SampleTally tally, LatencySketch? latency = null, double? seconds = null, bool errors = false)
    {
        double? estimated = 0, estimatedErrors = 0;
        var scaledBy = new List<string>();
        foreach (var (basis, count, basisErrors) in tally.ByBasis())
        {
            if (basis.Weight(rates) is { } weight)
            {
                estimated += count * weight;
                estimatedErrors += basisErrors * weight;
            }
            else estimated = estimatedErrors = null;
            scaledBy.Add(basis.Describe(rates));
        }
        if (tally.Sampled == 0) estimated = estimatedErrors = null;
        var percentiles = latency is null ? [] : Standard.Select(p => Bound(p.Name, p.Quantile, latency)).ToList();
        var errorRate = errors ? Proportion(tally.Errors, tally.Sampled) : null;
        return new RowSample(tally.Traces, tally.Sampled, Round(estimated),
            seconds is > 0 && estimated is { } total ? ReportNumbers.Thousandths(total / seconds.Value) : null,
            errors ? Round(estimatedErrors) : null, scaledBy, percentiles, errorRate,
            percentiles.Any(p => p.Mark.Length > 0) || errorRate is { Wide: true });
    }

    /// <summary>The sample of a row of calls: their percentiles and error rate bounded, a rate over <paramref name="seconds"/>.</summary>
    public RowSample Of(CallStats calls, double? seconds = null) => Of(calls.Sample, calls.Latency, seconds, errors: true);

    /// <summary>The sample of a row read from whole traces (single-trace analyses): each trace one observation, weighted by its root's decision.</summary>
    public RowSample OfTraces(IEnumerable<SamplingBasis> traces)
    {
        var tally = new SampleTally();
        foreach (var basis in traces) tally.RecordTrace(basis);
        return Of(tally);
    }

    /// <summary>Further percentiles of a row (e.g. <c>pull p99</c> beside <c>p99</c>), appended to its sample.</summary>
    public static RowSample With(RowSample sample, string prefix, LatencySketch latency)
    {
        var added = Standard.Select(p => Bound(prefix + " " + p.Name, p.Quantile, latency)).ToList();
        return sample with { Percentiles = [.. sample.Percentiles, .. added], Small = sample.Small || added.Any(p => p.Mark.Length > 0) };
    }

    public static PercentileBound Bound(string name, double quantile, LatencySketch latency)
    {
        var n = latency.Count;
        var (low, high) = QuantileBounds.Ranks(n, quantile);
        var mark = n == 0 ? "" : (low, high) switch
        {
            (not null, not null) => "",
            (not null, null) => "≥",
            (null, not null) => "≤",
            _ => "?",
        };
        return new PercentileBound(name, quantile, n, low, high,
            low is { } l ? ReportNumbers.Ms(latency.ValueAtRank(l)) : null, high is { } h ? ReportNumbers.Ms(latency.ValueAtRank(h)) : null, mark);
    }

    public static ProportionBound Proportion(long events, long trials)
    {
        var (low, high) = ProportionBounds.Of(events, trials);
        return new ProportionBound(events, trials, ReportNumbers.Fraction(low), ReportNumbers.Fraction(high), trials > 0 && high - low > WideInterval);
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 1) : null;
}
