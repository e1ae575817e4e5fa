using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;

namespace Kubetrace.Analysis.ServiceGraph;

/// <summary>One dependency: calls from <see cref="Parent"/> to <see cref="Child"/> (child spans whose parent span
/// belongs to another service), with the child spans' errors and latency (watch streams left out of the latency).</summary>
public sealed record ServiceEdge(string Parent, string Child, long Calls, long Errors, double ErrorRate, long P50Nanos, long P99Nanos)
{
    public const string Call = "call";
    public const string Link = "link";

    /// <summary>
    /// <see cref="Call"/>: parent/child spans (what the Jaeger dependencies API counts); <see cref="Link"/>: the
    /// callee's span links the caller's span in another trace (the apiserver's answer to a kubelet or operator).
    /// </summary>
    public string Kind { get; init; } = Call;

    /// <summary>The sampled traces and calls behind the edge, scaled; its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical call of the edge (trace and the callee's span: the linking span of a link edge).</summary>
    public RowExamples? Examples { get; init; }

    /// <summary>Calls that are watch streams (<see cref="LongRunningRequests"/>): in <see cref="Calls"/>, not in the percentiles.</summary>
    public long Watches { get; init; }
}

public sealed record ServiceGraphResult(IReadOnlyList<string> Services, IReadOnlyList<ServiceEdge> Edges, long SpansRead, long Traces)
{
    /// <summary>Span links whose linked span was not found (unsampled, outside the range, or in another stored block).</summary>
    public long UnresolvedLinks { get; init; }

    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>
/// <c>graph</c>: the service dependency graph over the range, from parent/child spans of the same trace that
/// belong to different services (the parent's service calls the child's), whichever parts of the store hold them.
/// A call counts when the child span starts in the range; its latency is the child span's duration
/// (<see cref="ServiceGraphState"/>).
/// </summary>
public static class ServiceGraphAnalysis
{
    public static AnalysisDefinition Definition { get; } = ServiceGraphState.Rollup.Define("graph",
        "Service dependency graph: calls, errors, error rate and p50/p99 latency per caller → callee edge",
        request => new ServiceGraphState(request.Range),
        (state, request) => Result(state.Result(request.Samples)));

    /// <summary>The graph itself, for other analyses and tests.</summary>
    public static async Task<ServiceGraphResult> ComputeAsync(ITraceStore store, TimeRange range, CancellationToken cancellationToken)
    {
        var state = await ServiceGraphState.Rollup.ScanAsync(store, new ServiceGraphState(range), cancellationToken).ConfigureAwait(false);
        return state.Result();
    }

    /// <summary>
    /// A call edge's spans: the callee's spans whose parent span is the caller's (<c>{ caller } &gt; { callee }</c>;
    /// the engine relates a span to the parent it names also under a span whose own parent is missing, as the graph
    /// counts). A link edge has none: its caller's span is in another trace, and TraceQL reads one trace at a time.
    /// </summary>
    internal static RowSearch? SearchOf(ServiceEdge edge) => edge.Kind == ServiceEdge.Call
        ? RowSearch.Query($"{TraceQlText.Filter(TraceQlText.Service(edge.Parent))} > {TraceQlText.Filter(TraceQlText.Service(edge.Child))}")
        : null;

    private static AnalysisResult Result(ServiceGraphResult result)
    {
        var rows = result.Edges.Select(e => (IReadOnlyList<string>)
        [
            e.Parent, e.Child, e.Kind, SampleText.Count(e.Sample), AnalysisText.Count(e.Watches), AnalysisText.Count(e.Errors), SampleText.ErrorRate(e.Sample, AnalysisText.Percent(e.ErrorRate)),
            SampleText.PercentileNanos(e.Sample, "p50", e.P50Nanos), SampleText.PercentileNanos(e.Sample, "p99", e.P99Nanos),
        ]).ToList();
        var table = new AnalysisTable("Service dependencies (worst first)",
            ["caller", "callee", "via", "calls", "watches", "errors", "error rate", "p50", "p99"], rows)
        {
            Notes =
            [
                $"{AnalysisText.Count(result.Edges.Count)} edges between {AnalysisText.Count(result.Services.Count)} services, from {AnalysisText.Count(result.SpansRead)} spans of {AnalysisText.Count(result.Traces)} traces",
                $"via call: parent and child spans (as the Jaeger dependencies API counts); via link: the callee's span links the caller's span in another trace" +
                (result.UnresolvedLinks > 0 ? $" ({AnalysisText.Count(result.UnresolvedLinks)} links to spans not found are left out)" : ""),
                LongRunningRequests.Note,
            ],
            Samples = result.Edges.Select(e => e.Sample).ToList(),
            Examples = result.Edges.Select(e => e.Examples).ToList(),
            Searches = result.Edges.Select(SearchOf).ToList(),
            Sampling = result.Sampling,
            DropFirst = ["watches"],
        };
        return new AnalysisResult(result, table);
    }
}
