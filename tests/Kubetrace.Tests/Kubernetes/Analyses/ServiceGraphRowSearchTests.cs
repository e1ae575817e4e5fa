using Kubetrace.Analysis;
using Kubetrace.Analysis.ServiceGraph;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every <c>graph</c> call edge's pre-filled TraceQL search finds exactly the callee spans the edge counts, on a
/// simulated cluster of three release shapes with every scenario planted: calls under a span whose parent is missing
/// (a request from a component that exports no spans of its own, a watch whose caller has not ended) included: the
/// old engine, numbering only what a root reaches as Tempo does, missed those. Link edges carry no search: their
/// caller's span is in another trace.
/// </summary>
public sealed class ServiceGraphRowSearchTests
{
    /// <summary>Read limits that hold every call of the data: the search is compared whole, not as the UI's first page.</summary>
    private static readonly QueryLimits Unbounded = new() { MaxSpansPerQuery = int.MaxValue, MaxBytesPerQuery = long.MaxValue, QueryTimeout = TimeSpan.FromMinutes(10) };

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.33")]
    [InlineData("1.34")]
    public async Task Each_call_edges_search_finds_exactly_the_calls_the_edge_counts(string release)
    {
        await using var store = new TempStore();
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(release),
            Scenarios = SimulationScenario.SlowWebhook | SimulationScenario.FailingWebhook | SimulationScenario.EtcdSlow |
                        SimulationScenario.ApfThrottling | SimulationScenario.SlowScheduling,
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), Duration = TimeSpan.FromSeconds(20), Seed = 5,
        });
        foreach (var batch in simulator.Batches()) await store.AppendAsync(batch.Request);

        var result = await ServiceGraphAnalysis.Definition.RunAsync(
            new AnalysisRequest(new QueryEngine(store.Store), TimeRange.All, new Dictionary<string, string>()), CancellationToken.None);
        var graph = (ServiceGraphResult)result.Data;
        var table = result.Table;
        Assert.Equal(graph.Edges.Count, table.Searches.Count);
        var underMissingParents = await CallsUnderAMissingParentAsync(store.Store);

        foreach (var (edge, search) in graph.Edges.Zip(table.Searches))
        {
            if (edge.Kind == ServiceEdge.Link)
            {
                Assert.Null(search);
                continue;
            }
            var found = await new TraceQlSearch(store.Store, Unbounded).SearchAsync(
                new TraceQlSearchRequest(Parser.Parse(search!.TraceQl!), TimeRange.All, Unbounded.MaxResultLimit), CancellationToken.None);
            Assert.Null(found.Incomplete);
            Assert.True(found.Traces.Count < Unbounded.MaxResultLimit, $"{release}: {edge.Parent} -> {edge.Child}: the search found as many traces as it may answer");
            var spans = found.Traces.Sum(t => t.Spansets.SelectMany(s => s.Spans).Distinct().Count());
            Assert.True(edge.Sample.Sampled == spans,
                $"{release}: {edge.Parent} -> {edge.Child} ({edge.Watches} watches, {underMissingParents.GetValueOrDefault((edge.Parent, edge.Child))} " +
                $"under a missing parent): {spans} spans found, the edge counts {edge.Sample.Sampled}");
        }
        // The data holds what the search must not miss: calls below a span whose parent is not in the trace.
        Assert.True(underMissingParents.Values.Sum() > 0, $"{release}: no call under a missing parent");
    }

    /// <summary>Per caller → callee, the calls (a child span of another service than its parent) below a span whose parent is missing.</summary>
    private static async Task<Dictionary<(string, string), int>> CallsUnderAMissingParentAsync(ITraceStore store)
    {
        var calls = new Dictionary<(string, string), int>();
        foreach (var trace in await MixedScenarioStore.CopiesAsync(store, new SpanScanRequest(TimeRange.All, [])))
        {
            var byId = trace.Spans.GroupBy(s => s.SpanId).ToDictionary(g => g.Key, g => g.First());
            foreach (var span in trace.Spans)
            {
                if (span.IsRoot || !byId.TryGetValue(span.ParentSpanId, out var parent) || parent.Service == span.Service) continue;
                var above = parent;
                for (var depth = 0; !above.IsRoot && depth < trace.Spans.Count; depth++)
                {
                    if (!byId.TryGetValue(above.ParentSpanId, out var next))
                    {
                        calls[(parent.Service, span.Service)] = calls.GetValueOrDefault((parent.Service, span.Service)) + 1;
                        break;
                    }
                    above = next;
                }
            }
        }
        return calls;
    }
}
