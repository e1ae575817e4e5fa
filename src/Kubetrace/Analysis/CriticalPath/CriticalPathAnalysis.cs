using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.CriticalPath;

/// <summary>
/// <c>critical-path &lt;trace-id&gt;</c>: which spans set the trace's end-to-end latency, corrected for clock skew
/// between components, each with the share of the latency that was its own work.
/// </summary>
public static class CriticalPathAnalysis
{
    /// <summary>Read to tell components' clocks apart (spans from one host share a clock).</summary>
    private static readonly string[] HostKeys = ["host.name", "k8s.node.name"];

    public static AnalysisDefinition Definition { get; } = new("critical-path",
        "The chain of spans that set a trace's end-to-end latency (concurrent children and clock skew handled)",
        RunAsync)
    {
        Arguments = [new AnalysisParameter("trace-id", "The trace to analyse (hex)")],
    };

    private static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var id = request.RequireTraceId("trace-id");
        var trace = await SingleTrace.LoadAsync(request.Store, id, HostKeys, cancellationToken).ConfigureAwait(false);
        var report = Analyse(trace, request.Samples);
        return new AnalysisResult(report, Table(report));
    }

    /// <summary>The critical path of a trace whose spans carry the <see cref="HostKeys"/> values (in that order).</summary>
    public static CriticalPathReport Analyse(ScannedTrace trace, RowSamples? samples = null)
    {
        var sample = (samples ?? new RowSamples(SamplingRates.Unknown)).OfTraces([TraceSampling.RootBasisOf(trace.Spans)]);
        var tree = new SpanTree(trace.Spans);
        var root = tree.MainRoot ?? throw new Api.BadQueryException($"trace {trace.TraceId} has no spans");
        var times = new ClockSkewAdjuster(tree, ClockOf);
        var finder = new CriticalPathFinder(times);
        var (start, end) = times.TimesOf(root);
        var duration = end - start;
        var path = finder.Find(root).Select(p =>
        {
            var self = p.Segments.Sum(s => s.Nanos);
            var (spanStart, spanEnd) = times.TimesOf(p.Node);
            return new CriticalPathStep(SpanTree.Hex(p.Node.Span.SpanId), p.Node.Span.Service, p.Node.Span.Name,
                p.Node.Depth, spanStart, spanEnd - spanStart, self, duration == 0 ? 0 : (double)self / duration, p.Segments) { Sample = sample };
        }).ToList();
        var clipped = finder.Clipped.Select(n => SpanTree.Hex(n.Span.SpanId)).ToList();
        return new CriticalPathReport(trace.TraceId.ToString(), root.Span.Service, root.Span.Name, start, duration,
            path, times.Adjustments, clipped, Notes(tree, root, times, finder))
        {
            Sampling = SamplingSummary.Of(SamplingSummary.TracesUnit, sample, path.Select(p => p.Sample).ToList()),
        };
    }

    private static string ClockOf(SpanTree.Node node)
    {
        foreach (var value in node.Span.Values)
            if (!string.IsNullOrEmpty(value)) return "host:" + value;
        return "service:" + node.Span.Service;
    }

    private static List<string> Notes(SpanTree tree, SpanTree.Node root, ClockSkewAdjuster times, CriticalPathFinder finder)
    {
        var notes = new List<string>();
        foreach (var skew in times.Adjustments)
            notes.Add($"clock skew: {skew.Service} span {skew.Name} ({skew.SpanId}) did not fit in its {skew.ParentService} parent; " +
                $"shifted {(skew.ShiftNanos > 0 ? "+" : "-")}{AnalysisText.Duration(Math.Abs(skew.ShiftNanos))} to the middle of it, with its descendants (as Jaeger's clock-skew adjuster does)");
        foreach (var node in finder.Clipped)
            notes.Add($"{node.Span.Service} span {node.Span.Name} ({SpanTree.Hex(node.Span.SpanId)}) reaches outside its parent " +
                "(asynchronous, or longer than its parent): only the part inside the parent is counted");
        var others = tree.Roots.Count(r => r != root);
        if (others > 0)
            notes.Add($"{others} other span tree(s) of this trace (spans whose parent was not received) are not on the path of {root.Span.Name}");
        return notes;
    }

    private static AnalysisTable Table(CriticalPathReport report)
    {
        var rows = report.Path
            .Select((step, index) => (step, index))
            .OrderByDescending(p => p.step.SelfOnPathNanos)
            .Select(p => (IReadOnlyList<string>)
            [
                AnalysisText.Count(p.index + 1),
                new string(' ', 2 * p.step.Depth) + p.step.Name,
                p.step.Service,
                "+" + AnalysisText.Duration(p.step.StartUnixNano - report.StartUnixNano),
                AnalysisText.Duration(p.step.DurationNanos),
                AnalysisText.Duration(p.step.SelfOnPathNanos),
                p.step.Share.ToString("P1", System.Globalization.CultureInfo.InvariantCulture),
            ])
            .ToList();
        var notes = new List<string>
        {
            $"trace {report.TraceId}: {report.RootService} {report.RootName}, {AnalysisText.Duration(report.DurationNanos)}; " +
            $"{AnalysisText.Count(report.Path.Count)} spans on the critical path (# is the order along the path); their self time sums to the trace's duration",
        };
        notes.AddRange(report.Notes);
        return new AnalysisTable($"Critical path of {report.TraceId}",
            ["#", "Span", "Service", "Start", "Duration", "Self on path", "Share"], rows)
        {
            Notes = notes,
            Samples = report.Path.OrderByDescending(step => step.SelfOnPathNanos).Select(step => step.Sample).ToList(),
            Sampling = report.Sampling,
        };
    }
}
