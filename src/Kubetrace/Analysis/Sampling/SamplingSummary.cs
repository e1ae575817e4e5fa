namespace Kubetrace.Analysis.Sampling;

/// <summary>
/// How much of the cluster's traffic an answer rests on (the <c>sampling</c> of every analysis's JSON, and the
/// first notes of its table): sampled traces and observations, the real volume they stand for when the rates are
/// known, and how many rows rest on too small a sample.
/// </summary>
/// <param name="Unit">What was observed: <c>requests</c>, <c>webhook calls</c>, <c>etcd calls</c>, <c>spans</c>, ...</param>
/// <param name="Estimated">≈ real observations; null when a rate is not known.</param>
/// <param name="SmallRows">Rows with a percentile that cannot be bounded or an error rate with a wide interval.</param>
/// <param name="Notes">The same in sentences, as the table's first notes.</param>
public sealed record SamplingSummary(
    string Unit,
    long Traces,
    long Sampled,
    double? Estimated,
    IReadOnlyList<string> ScaledBy,
    int Rows,
    int SmallRows,
    IReadOnlyList<string> Notes)
{
    /// <summary>An answer that has not been told what it rests on (analyses set theirs; the catalog test checks).</summary>
    public static SamplingSummary None { get; } = new("", 0, 0, null, [], 0, 0, []) { Total = RowSample.None };

    /// <summary>The summary of an answer whose observations are <paramref name="total"/> and whose rows are <paramref name="rows"/>.</summary>
    public static SamplingSummary Of(string unit, RowSample total, IReadOnlyCollection<RowSample> rows)
    {
        var small = rows.Count(r => r.Small);
        var notes = new List<string> { RestsOn(unit, total) };
        if (small > 0) notes.Add(SmallSampleNote(small, rows.Count));
        return new SamplingSummary(unit, total.Traces, total.Sampled, total.Estimated, total.ScaledBy, rows.Count, small, notes) { Total = total };
    }

    /// <summary>The same answer shown as other rows (another view of one report, such as <c>pods --by image</c>).</summary>
    public SamplingSummary ForRows(IReadOnlyCollection<RowSample> rows) => Of(Unit, Total, rows);

    [System.Text.Json.Serialization.JsonIgnore]
    private RowSample Total { get; init; } = null!;

    private static string RestsOn(string unit, RowSample total)
    {
        var restsOn = $"Rests on {Counted(total.Traces, "sampled traces")}" + (unit == TracesUnit ? "" : $" ({Counted(total.Sampled, unit)})");
        if (total.Sampled == 0) return restsOn + ".";
        if (total.Estimated is { } estimated)
            return $"{restsOn}; {string.Join(", ", total.ScaledBy)} ⇒ ≈ {Counted((long)Math.Round(estimated), unit)} " +
                $"{(unit == TracesUnit ? "like them" : "in the cluster")}. ≈ marks figures scaled by those rates.";
        return $"{restsOn}; {string.Join(", ", total.ScaledBy.Where(s => s.EndsWith("rate unknown", StringComparison.Ordinal)))}: " +
            "counts are of what was kept, not of the cluster's traffic (tell Kubetrace the components' samplingRatePerMillion: " +
            "--sampling-rate-per-million component=N, or sampling_rate_per_million in the kubetrace_query extension).";
    }

    /// <summary>The unit of single-trace analyses, whose rows are spans of the traces themselves.</summary>
    public const string TracesUnit = "traces";

    /// <summary><c>1 request</c>, <c>2 requests</c>, <c>1 webhook call</c>: the unit's last word in the singular for one.</summary>
    private static string Counted(long count, string unit) =>
        AnalysisText.Count(count) + " " + (count == 1 && unit.EndsWith('s') ? unit[..^1] : unit);

    private static string SmallSampleNote(int small, int rows) =>
        $"Small samples in {small} of {rows} rows: ≥ marks a percentile with too few samples for a 95% upper bound " +
        $"(p99 needs {QuantileBounds.SamplesForUpperBound(0.99)}, p95 {QuantileBounds.SamplesForUpperBound(0.95)}, p50 {QuantileBounds.SamplesForUpperBound(0.5)}): " +
        "the true value is at least the one shown; ? too few for any bound; an error rate followed by its 95% interval " +
        "(0% (0–98%)) rests on too few calls to tell: 0% of 1 call is not \"no errors\".";
}
