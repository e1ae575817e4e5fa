namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// What one row of an analysis rests on (the <c>sample</c> of every row in <c>--json</c> and the API): the sampled
/// traces and observations behind it, the real volume they stand for when the sampling rate is known, and how far
/// its percentiles and error rate can be trusted.
/// </summary>
/// <param name="Traces">Sampled traces behind the row.</param>
/// <param name="Sampled">Sampled observations (requests, calls, spans, pulls): the n its percentiles are over.</param>
/// <param name="Estimated">≈ real observations: each sampled one weighted by its sampling rate; null when a rate is not known.</param>
/// <param name="EstimatedPerSecond">≈ real observations per second, for rows with a rate; null when a rate is not known.</param>
/// <param name="EstimatedErrors">≈ real errors, for rows that count errors.</param>
/// <param name="ScaledBy">The rates the estimate rests on (<c>apiserver 1 in 10,000 (samplingRatePerMillion 100)</c>).</param>
/// <param name="Percentiles">Each percentile's 95% bounds (<see cref="PercentileBound"/>).</param>
/// <param name="ErrorRate">The error rate's 95% interval, for rows that count errors.</param>
/// <param name="Small">Some figure of the row rests on too few samples to be bounded (a marked percentile or a wide error-rate interval).</param>
public sealed record RowSample(
    long Traces,
    long Sampled,
    double? Estimated,
    double? EstimatedPerSecond,
    double? EstimatedErrors,
    IReadOnlyList<string> ScaledBy,
    IReadOnlyList<PercentileBound> Percentiles,
    ProportionBound? ErrorRate,
    bool Small)
{
    /// <summary>A row that has not been told what it rests on (analyses set every row's; the catalog test checks).</summary>
    public static RowSample None { get; } = new(0, 0, null, null, null, [], [], null, false);

    /// <summary>The bound of the percentile named <paramref name="name"/> (<c>p99</c>, <c>pull p99</c>); null when the row has none.</summary>
    public PercentileBound? Percentile(string name) => Percentiles.FirstOrDefault(p => p.Name == name);
}

/// <summary>
/// The 95% interval of a true percentile from the sampled values (<see cref="QuantileBounds"/>): the values at
/// ranks <see cref="LowRank"/> and <see cref="HighRank"/> of <see cref="Samples"/>. <see cref="Mark"/> is what its
/// table cell carries: "" (bounded), "≥" (no upper bound: the true value is at least <see cref="LowMs"/>),
/// "≤" (no lower bound) or "?" (neither).
/// </summary>
public sealed record PercentileBound(string Name, double Quantile, long Samples, long? LowRank, long? HighRank, double? LowMs, double? HighMs, string Mark);

/// <summary>An error rate's Clopper–Pearson 95% interval; <see cref="Wide"/> when it spans more than 10 points (shown in the table).</summary>
public sealed record ProportionBound(long Events, long Trials, double Low, double High, bool Wide);
