using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.ServiceGraph;

/// <summary>One dependency: calls from <see cref="Parent"/> to <see cref="Child"/> (child spans whose parent span
/// belongs to another service), with the child spans' errors and latency.</summary>
public sealed record ServiceEdge(string Parent, string Child, long Calls, long Errors, double ErrorRate, long P50Nanos, long P99Nanos);

public sealed record ServiceGraphResult(IReadOnlyList<string> Services, IReadOnlyList<ServiceEdge> Edges, long SpansRead, long Traces);

/// <summary>
/// <c>graph</c>: the service dependency graph over the range, from parent/child spans of the same trace that
/// belong to different services (the parent's service calls the child's), whichever parts of the store hold them.
/// A call counts when the child span starts in the range; its latency is the child span's duration.
/// </summary>
public static class ServiceGraphAnalysis
{
    public static AnalysisDefinition Definition { get; } = new("graph",
        "Service dependency graph: calls, errors, error rate and p50/p99 latency per caller → callee edge", RunAsync);

    public static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var result = await ComputeAsync(request.Store, new SpanScanRequest(request.Range, []), cancellationToken).ConfigureAwait(false);
        var rows = result.Edges.Select(e => (IReadOnlyList<string>)
        [
            e.Parent, e.Child, AnalysisText.Count(e.Calls), AnalysisText.Count(e.Errors), AnalysisText.Percent(e.ErrorRate),
            AnalysisText.Duration(e.P50Nanos), AnalysisText.Duration(e.P99Nanos),
        ]).ToList();
        var table = new AnalysisTable("Service dependencies (worst first)",
            ["caller", "callee", "calls", "errors", "error rate", "p50", "p99"], rows)
        {
            Notes = [$"{result.Edges.Count} edges between {result.Services.Count} services, from {result.SpansRead} spans of {result.Traces} traces"],
        };
        return new AnalysisResult(result, table);
    }

    /// <summary>The graph itself, for other analyses and tests.</summary>
    public static async Task<ServiceGraphResult> ComputeAsync(Storage.ITraceStore store, SpanScanRequest scan, CancellationToken cancellationToken)
    {
        var edges = new Dictionary<(string Parent, string Child), EdgeCounts>();
        var services = new HashSet<string>(StringComparer.Ordinal);
        var byId = new Dictionary<ulong, ScannedSpan>();
        long spans = 0, traces = 0;
        await store.ScanAsync(scan, trace =>
        {
            traces++;
            spans += trace.Spans.Count;
            byId.Clear();
            foreach (var span in trace.Spans) byId.TryAdd(span.SpanId, span);
            foreach (var span in trace.Spans)
            {
                if (!scan.Range.Contains(span.StartUnixNano)) continue;
                services.Add(span.Service);
                if (span.IsRoot || !byId.TryGetValue(span.ParentSpanId, out var parent) || parent.Service == span.Service) continue;
                if (!edges.TryGetValue((parent.Service, span.Service), out var counts))
                    edges[(parent.Service, span.Service)] = counts = new EdgeCounts();
                counts.Add(span);
            }
        }, cancellationToken).ConfigureAwait(false);

        var list = edges.Select(e => new ServiceEdge(e.Key.Parent, e.Key.Child, e.Value.Latency.Count, e.Value.Errors,
                (double)e.Value.Errors / e.Value.Latency.Count, e.Value.Latency.Percentile(0.5), e.Value.Latency.Percentile(0.99)))
            .OrderByDescending(e => e.Errors).ThenByDescending(e => e.P99Nanos).ThenBy(e => e.Parent, StringComparer.Ordinal)
            .ThenBy(e => e.Child, StringComparer.Ordinal).ToList();
        return new ServiceGraphResult(services.Order(StringComparer.Ordinal).ToList(), list, spans, traces);
    }

    private sealed class EdgeCounts
    {
        public LatencySketch Latency { get; } = new();
        public long Errors { get; private set; }

        public void Add(ScannedSpan child)
        {
            Latency.Record(child.DurationNanos);
            if (child.IsError) Errors++;
        }
    }
}
