using Kubetrace.Analysis;
using Kubetrace.Analysis.ServiceGraph;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The service graph over a simulated cluster: calls recorded only as span links (each kubelet API call is linked
/// from the apiserver's own trace) are link edges; the parent/child edges are exactly the dependencies API's.
/// </summary>
public sealed class ServiceGraphLinkEdgeTests(MixedScenarioStore cluster) : IClassFixture<MixedScenarioStore>
{
    [Fact]
    public async Task Each_kubelet_call_the_apiserver_links_is_counted_on_a_kubelet_to_apiserver_link_edge()
    {
        var graph = await ServiceGraphAnalysis.ComputeAsync(cluster.Store, TimeRange.All, CancellationToken.None);
        var traces = await cluster.TracesAsync(new SpanScanRequest(TimeRange.All, []));
        var kubeletCalls = traces.SelectMany(t => t.Spans)
            .Count(s => s.Service == "kubelet" && s.Kind == SpanKind.Client && s.Name.StartsWith("HTTP ", StringComparison.Ordinal));

        var edge = Assert.Single(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Link });
        Assert.True(kubeletCalls > 20, $"only {kubeletCalls} kubelet calls");
        Assert.Equal(kubeletCalls, edge.Calls);
        Assert.DoesNotContain(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Call });
    }

    [Fact]
    public async Task Each_link_edge_rests_on_its_linking_spans_and_traces_and_the_summary_counts_every_trace_once()
    {
        var graph = await ServiceGraphAnalysis.ComputeAsync(cluster.Store, TimeRange.All, CancellationToken.None);
        var traces = await cluster.TracesAsync(new SpanScanRequest(TimeRange.All, []));
        var callers = traces.SelectMany(t => t.Spans
                .Where(s => s.Kind is SpanKind.Client or SpanKind.Producer && !t.Spans.Any(c => !c.IsRoot && c.ParentSpanId == s.SpanId))
                .Select(s => (Key: (t.TraceId, s.SpanId), s.Service)))
            .ToDictionary(c => c.Key, c => c.Service);
        var linked = traces.SelectMany(t => t.Spans.SelectMany(s => s.Links
                .Where(l => callers.TryGetValue((l.TraceId, l.SpanId), out var caller) && caller != s.Service)
                .Select(l => (Edge: $"{callers[(l.TraceId, l.SpanId)]}->{s.Service}", Trace: t.TraceId))))
            .ToList();
        var called = traces.Where(t => t.Spans.Any(s => !s.IsRoot && t.Spans.FirstOrDefault(p => p.SpanId == s.ParentSpanId) is { } p && p.Service != s.Service))
            .Select(t => t.TraceId);

        var edge = Assert.Single(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Link });
        Assert.Equal(edge.Calls, edge.Sample.Sampled);
        Assert.Equal(linked.Where(l => l.Edge == "kubelet->apiserver").Select(l => l.Trace).Distinct().Count(), edge.Sample.Traces);
        Assert.True(edge.Sample.Traces > 1, $"the kubelet calls are linked from {edge.Sample.Traces} traces");
        Assert.Equal(graph.Edges.Sum(e => e.Calls), graph.Sampling.Sampled);
        Assert.Equal(called.Concat(linked.Select(l => l.Trace)).Distinct().Count(), graph.Sampling.Traces);
    }

    [Fact]
    public async Task The_kubelet_to_apiserver_link_edge_gives_as_examples_apiserver_spans_that_link_a_kubelet_call()
    {
        var graph = await ServiceGraphAnalysis.ComputeAsync(cluster.Store, TimeRange.All, CancellationToken.None);
        var traces = await cluster.TracesAsync(new SpanScanRequest(TimeRange.All, []));
        var kubeletCalls = traces.SelectMany(t => t.Spans.Where(s => s.Service == "kubelet" && s.Kind == SpanKind.Client)
            .Select(s => new ScannedLink(t.TraceId, s.SpanId))).ToHashSet();

        var edge = Assert.Single(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Link });

        Assert.NotNull(edge.Examples);
        foreach (var example in new[] { edge.Examples.Slowest, edge.Examples.Typical })
        {
            Assert.NotNull(example);
            var trace = Assert.Single(traces, t => t.TraceId.ToString() == example.TraceId);
            var span = Assert.Single(trace.Spans, s => s.SpanId.ToString("x16", System.Globalization.CultureInfo.InvariantCulture) == example.SpanId);
            Assert.Equal(("apiserver", SpanKind.Server), (span.Service, span.Kind));
            Assert.Contains(span.Links, kubeletCalls.Contains);
            Assert.Equal(span.DurationNanos / 1e6, example.DurationMs, 3);
        }
    }

    [Fact]
    public async Task The_kubelet_watches_on_its_link_edge_are_counted_apart_and_left_out_of_its_percentiles()
    {
        var graph = await ServiceGraphAnalysis.ComputeAsync(cluster.Store, TimeRange.All, CancellationToken.None);
        var traces = await cluster.TracesAsync(new SpanScanRequest(TimeRange.All, ["http.target"]));
        var kubeletCalls = traces.SelectMany(t => t.Spans.Where(s => s.Service == "kubelet" && s.Kind == SpanKind.Client)
            .Select(s => new ScannedLink(t.TraceId, s.SpanId))).ToHashSet();
        var linking = traces.SelectMany(t => t.Spans).Where(s => s.Service == "apiserver" && s.Links.Any(kubeletCalls.Contains)).ToList();
        var watches = linking.Where(s => s.Values[0]?.Contains("watch=true", StringComparison.Ordinal) == true).ToList();
        var latency = new LatencySketch();
        foreach (var span in linking.Except(watches)) latency.Record(span.DurationNanos);
        var withWatches = new LatencySketch();
        foreach (var span in linking) withWatches.Record(span.DurationNanos);

        var edge = Assert.Single(graph.Edges, e => e is { Parent: "kubelet", Child: "apiserver", Kind: ServiceEdge.Link });

        Assert.NotEmpty(watches);
        // The simulator closes watches at the end of its 40 s window (an informer's would stay 5 to 10 minutes):
        // still seconds against the other calls' milliseconds, enough to be the whole p99.
        Assert.True(withWatches.Percentile(0.99) > 10 * latency.Percentile(0.99), $"watches' p99 {withWatches.Percentile(0.99) / 1e9} s");
        Assert.Equal(linking.Count, edge.Calls);
        Assert.Equal((latency.Percentile(0.5), latency.Percentile(0.99)), (edge.P50Nanos, edge.P99Nanos));
        Assert.Equal(watches.Count, edge.Watches);
    }

    [Fact]
    public async Task The_call_edges_are_the_dependencies_api_edges_with_the_same_counts()
    {
        var graph = await ServiceGraphAnalysis.ComputeAsync(cluster.Store, TimeRange.All, CancellationToken.None);
        var dependencies = await cluster.Store.GetDependenciesAsync(TimeRange.All, CancellationToken.None);

        Assert.NotEmpty(dependencies);
        Assert.Equal(
            dependencies.Select(d => $"{d.Parent}->{d.Child} {d.CallCount}").Order(StringComparer.Ordinal),
            graph.Edges.Where(e => e.Kind == ServiceEdge.Call).Select(e => $"{e.Parent}->{e.Child} {e.Calls}").Order(StringComparer.Ordinal));
    }
}
