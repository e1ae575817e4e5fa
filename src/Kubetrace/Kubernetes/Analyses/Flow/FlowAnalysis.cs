using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Api;
using Kubetrace.Cli.Query;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// <c>flow &lt;object&gt;</c>: everything that followed one action — a Deployment written, or one pod created —
/// across components and traces on one time axis, with the gaps between the steps named and measured, and where a
/// join is missing, why (see docs/analyses.md, "The flow of one action").
/// </summary>
public static class FlowAnalysis
{
    private const int DefaultLimit = 200;

    public static AnalysisDefinition Definition { get; } = new("flow",
        "The flow of one action (a Deployment applied, a pod created) across components and traces on one time axis, its gaps named and measured",
        RunAsync)
    {
        Arguments = [new AnalysisParameter("object", "A deployment/namespace/name, pod/namespace/name, namespace/name (a Deployment if one is named, else a pod), or a pod UID")],
        Options =
        [
            new AnalysisParameter("pods", $"Most pods of the Deployment to follow, the first created (default {FlowBuilder.DefaultMaxPods})", Required: false),
            new AnalysisParameter("limit", $"Most traces per lookup, the most recent (default {DefaultLimit})", Required: false),
        ],
    };

    private static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var target = FlowTarget.Parse(request.Require("object"));
        var limit = request.Count("limit", DefaultLimit, Objects.ObjectAnalysis.MaxLimit);
        var pods = request.Count("pods", FlowBuilder.DefaultMaxPods, 1_000);
        var flow = await AnalyseAsync(request.Store, request.Range, target, limit, pods, new FlowRates(request.Sampling), cancellationToken)
            .ConfigureAwait(false);
        // Nothing names it: a 404 that says what was searched, not an empty flow that looks like nothing happened.
        if (flow.Steps.Count == 0) throw new NotFoundException(string.Join("; ", flow.Notes));
        flow = flow.WithSamples(request.Samples);
        return new AnalysisResult(flow, Table(flow));
    }

    public static Task<ActionFlow> AnalyseAsync(ITraceStore store, TimeRange range, FlowTarget target, int maxTraces, int maxPods, FlowRates rates,
        CancellationToken cancellationToken) =>
        new FlowBuilder(store, range, maxTraces, maxPods, rates).BuildAsync(target, cancellationToken);

    /// <summary>
    /// One row per step in time order, each with the named gap that ends at it; the per-pod phases, the missing
    /// joins and the traces (T1, T2, … with their IDs) in the notes.
    /// </summary>
    public static AnalysisTable Table(ActionFlow flow)
    {
        var numbers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in flow.Steps) numbers.TryAdd(step.TraceId, "T" + (numbers.Count + 1).ToString(CultureInfo.InvariantCulture));
        var gapsBefore = flow.Gaps.Where(g => g.ToSpanId is not null && g.Nanos is not null)
            .ToLookup(g => g.ToSpanId!, g => $"{g.Name} {AnalysisText.Duration(g.Nanos!.Value)}", StringComparer.Ordinal);
        var origin = flow.StartUnixNano;
        var rows = flow.Steps.Select(s => (IReadOnlyList<string>)
        [
            HumanText.Time(s.StartUnixNano),
            "+" + AnalysisText.Duration(s.StartUnixNano - origin),
            s.Component,
            s.Caller ?? "",
            s.Pod ?? "",
            new string(' ', 2 * Math.Min(s.Depth, 4)) + s.Operation,
            AnalysisText.Duration(s.DurationNanos),
            string.Join("; ", gapsBefore[s.SpanId]),
            numbers[s.TraceId],
            s.JoinedBy,
        ]).ToList();
        var notes = new List<string> { $"{flow.Kind} {flow.Object}: {AnalysisText.Count(flow.Steps.Count)} steps in {AnalysisText.Count(flow.Traces.Count)} traces, {AnalysisText.Count(flow.Pods.Count)} pods, in time order" };
        notes.AddRange(flow.Gaps.Where(g => g.Pod is null && g.Nanos is not null).Select(g => $"{g.Name}: {AnalysisText.Duration(g.Nanos!.Value)} ({g.Meaning})"));
        foreach (var pod in flow.Pods)
            notes.Add($"{pod}: " + string.Join(", ", flow.Gaps.Where(g => g.Pod == pod)
                .Select(g => $"{g.Name} {(g.Nanos is { } n ? AnalysisText.Duration(n) : "?")}")));
        notes.AddRange(flow.Missing.Select(m => "missing: " + m));
        var traces = flow.Traces.ToDictionary(t => t.TraceId, StringComparer.Ordinal);
        notes.AddRange(numbers.Select(n => $"{n.Value} = {n.Key}: {traces[n.Key].RootComponent} {traces[n.Key].RootOperation}"));
        notes.AddRange(flow.Notes);
        return new AnalysisTable($"Flow of {flow.Kind} {flow.Object}",
            ["Time (UTC)", "+", "Component", "Caller", "Pod", "Step", "Duration", "Gap before", "Trace", "Joined by"], rows)
        {
            Notes = notes, Samples = flow.Steps.Select(s => s.Sample).ToList(), Sampling = flow.Sampling,
            // The offsets carry the order on a narrow terminal; the step, its gap and its pod keep their room.
            DropFirst = ["Joined by", "Time (UTC)", "Trace", "Caller"],
        };
    }
}
