using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;

namespace Kubetrace.Analysis.Red;

/// <summary>Rate, errors and duration of one operation: a service's spans of one name and kind.</summary>
public sealed record RedRow(string Service, string Operation, string Kind, long Calls, double RatePerSecond, long Errors,
    double ErrorRate, long P50Nanos, long P95Nanos, long P99Nanos)
{
    /// <summary>The sampled traces and spans behind the row, scaled (calls and rate); its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical span of the operation (trace and span).</summary>
    public RowExamples? Examples { get; init; }

    /// <summary>Calls that are watch streams (<see cref="LongRunningRequests"/>): in <see cref="Calls"/>, not in the percentiles.</summary>
    public long Watches { get; init; }
}

public sealed record RedResult(IReadOnlyList<RedRow> Operations, double Seconds, long Spans)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>
/// <c>red</c>: rate, errors and duration percentiles per service and operation (span name + kind), over the spans
/// that start in the range (<see cref="RedState"/>). The rate divides by the part of the range that holds data, so
/// an hour-long range over a store that has ten minutes of data does not report a sixth of the real rate.
/// </summary>
public static class RedAnalysis
{
    public static AnalysisDefinition Definition { get; } = RedState.Rollup.Define("red",
        "Rate, errors and p50/p95/p99 duration per service and operation (span name + kind)",
        request => new RedState(request.Range, request.Get("service")),
        (state, request) => Result(state.Result(request.Range, request.Get("service"), request.Samples))) with
    {
        Options = [new AnalysisParameter("service", "Only this service's operations", Required: false)],
    };

    public static async Task<RedResult> ComputeAsync(ITraceStore store, TimeRange range, string? service,
        CancellationToken cancellationToken)
    {
        var state = await RedState.Rollup.ScanAsync(store, new RedState(range, service), cancellationToken).ConfigureAwait(false);
        return state.Result(range, service);
    }

    private static AnalysisResult Result(RedResult result)
    {
        var rows = result.Operations.Select(r => (IReadOnlyList<string>)
        [
            r.Service, r.Operation, r.Kind, SampleText.Count(r.Sample), AnalysisText.Count(r.Watches), SampleText.Rate(r.Sample, r.RatePerSecond),
            AnalysisText.Count(r.Errors), SampleText.ErrorRate(r.Sample, AnalysisText.Percent(r.ErrorRate)),
            SampleText.PercentileNanos(r.Sample, "p50", r.P50Nanos), SampleText.PercentileNanos(r.Sample, "p95", r.P95Nanos),
            SampleText.PercentileNanos(r.Sample, "p99", r.P99Nanos),
        ]).ToList();
        var table = new AnalysisTable("Rate, errors, duration per operation (most errors first)",
            ["service", "operation", "kind", "calls", "watches", "rate", "errors", "error rate", "p50", "p95", "p99"], rows)
        {
            Notes = [$"{AnalysisText.Count(result.Spans)} spans over {AnalysisText.Number(result.Seconds)} s", LongRunningRequests.Note],
            Samples = result.Operations.Select(r => r.Sample).ToList(),
            Searches = result.Operations.Select(r => new RowSearch(r.Service, r.Operation, r.Kind, [])).ToList(),
            Examples = result.Operations.Select(r => r.Examples).ToList(),
            Sampling = result.Sampling,
            // At 80 columns each of rate (as calls), errors and duration keeps a column.
            DropFirst = ["watches", "p95", "rate", "error rate", "kind"],
        };
        return new AnalysisResult(result, table);
    }
}
