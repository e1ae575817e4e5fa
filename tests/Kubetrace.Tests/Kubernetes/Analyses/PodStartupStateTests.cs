using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Storage;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The <c>pods</c> state stays bounded, and its bound does not change what is reported.</summary>
public sealed class PodStartupStateTests
{
    private const long Ms = 1_000_000;

    /// <summary>Pods 0..count-1 on three nodes; pod i starts up in 1000 + i ms (so the slowest are the last).</summary>
    private static async Task<List<ScannedTrace>> PodsAsync(int count)
    {
        var traces = new KubeTraces();
        for (var i = 0; i < count; i++)
            traces.Pod(i + 1, $"node-{i % 3}", "ns", $"pod-{i}", $"uid-{i}", sandboxMs: 100, pullMs: 200 + i, "registry.example/app:1",
                createMs: 100, startMs: 100, otherMs: 500, atMs: i);
        await using var store = new TempStore();
        await store.AppendAsync(traces.Request());
        return await MixedScenarioStore.CopiesAsync(store.Store, new PodStartupState(TimeRange.All).ScanRequest);
    }

    [Fact]
    public async Task Three_thousand_pods_in_two_halves_report_every_start_up_and_the_exact_slowest_thousand()
    {
        var traces = await PodsAsync(3000);
        var (first, second, whole) = (new PodStartupState(TimeRange.All), new PodStartupState(TimeRange.All), new PodStartupState(TimeRange.All));
        for (var i = 0; i < traces.Count; i++)
        {
            (i < 1500 ? first : second).Add(traces[i]); // in scan order: which pods go where is arbitrary
            whole.Add(traces[i]);
        }

        var merged = PodStartupState.Rollup.Read(StateRollup(first));
        merged.Merge(PodStartupState.Rollup.Read(StateRollup(second)));
        var report = PodsAnalysis.Report(merged, PodStartupState.KeptPods);

        Assert.InRange(whole.SlowestPods.Count(), PodStartupState.KeptPods, 2 * PodStartupState.KeptPods);
        Assert.Equal(3000, report.PodCount);
        Assert.Equal(Enumerable.Range(2000, 1000).Reverse().Select(i => $"ns/pod-{i}"), report.Pods.Select(p => p.Pod));
        Assert.Equal((1000 + 2999) * Ms, report.Pods[0].TotalNanos);
        Assert.All(report.Nodes, n => Assert.Equal((1000, 1000), (n.Pods, n.Pulls)));
        Assert.Equal(Json(PodsAnalysis.Report(whole, PodStartupState.KeptPods)), Json(report));
    }

    [Fact]
    public async Task A_pod_whose_start_up_syncs_fall_into_two_blocks_is_one_start_up_with_both_times()
    {
        var traces = new KubeTraces()
            .Pod(1, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 500, pullMs: 3000, "registry.example/web:1", createMs: 0, startMs: 0, otherMs: 100)
            .Pod(2, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 0, pullMs: 0, image: null, createMs: 200, startMs: 200, otherMs: 100, atMs: 4000);
        await using var store = new TempStore();
        await store.AppendAsync(traces.Request());
        var (first, second) = (new PodStartupState(TimeRange.All), new PodStartupState(TimeRange.All));
        await store.Store.ScanAsync(first.ScanRequest, trace => (trace.Spans.Exists(s => s.Name.EndsWith("PullImage", StringComparison.Ordinal)) ? first : second).Add(trace),
            CancellationToken.None);

        first.Merge(PodStartupState.Rollup.Read(StateRollup(second)));
        var pod = Assert.Single(PodsAnalysis.Report(first, 50).Pods);

        Assert.Equal((3600 + 500) * Ms, pod.TotalNanos);
        Assert.Equal((500 * Ms, 3000 * Ms, 200 * Ms, 200 * Ms), (pod.SandboxNanos, pod.ImagePullNanos, pod.CreateNanos, pod.StartNanos));
        Assert.Equal(2, pod.TraceIds.Count);
    }

    [Fact]
    public async Task A_pod_that_pulls_no_image_counts_for_its_node_alone_and_after_a_merge()
    {
        var traces = new KubeTraces()
            .Pod(1, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 500, pullMs: 3000, "registry.example/web:1", createMs: 100, startMs: 100, otherMs: 100)
            .Pod(2, "node-2", "shop", "cached-1", "uid-cached-1", sandboxMs: 300, pullMs: 0, image: null, createMs: 100, startMs: 100, otherMs: 100);
        await using var store = new TempStore();
        await store.AppendAsync(traces.Request());
        var (first, second) = (new PodStartupState(TimeRange.All), new PodStartupState(TimeRange.All));
        await store.Store.ScanAsync(first.ScanRequest, trace => (trace.Spans.Exists(s => s.Service == "kubelet" && s.Name.EndsWith("PullImage", StringComparison.Ordinal)) ? first : second).Add(trace),
            CancellationToken.None);

        first.Merge(PodStartupState.Rollup.Read(StateRollup(second)));
        var report = PodsAnalysis.Report(first, 50);

        Assert.Equal(2, report.PodCount);
        var node2 = report.Nodes.Single(n => n.Node == "node-2");
        Assert.Equal((1, 600 * Ms, 0), (node2.Pods, node2.StartupP50Nanos, node2.Pulls));
    }

    [Theory]
    [InlineData("limit", "1001", "limit: \"1001\" is not a number from 1 to 1000")]
    [InlineData("limit", "0", "limit: \"0\" is not a number from 1 to 1000")]
    [InlineData("by", "namespace", "by: \"namespace\" is not one of pod, image, node")]
    public async Task Options_out_of_range_are_a_clear_bad_query(string option, string value, string message)
    {
        await using var store = new TempStore();
        var request = new AnalysisRequest(new Kubetrace.Query.QueryEngine(store.Store), TimeRange.All, new Dictionary<string, string> { [option] = value });

        var error = await Assert.ThrowsAsync<Kubetrace.Api.BadQueryException>(() => PodsAnalysis.Definition.RunAsync(request, CancellationToken.None));

        Assert.Equal(message, error.Message);
    }

    private static byte[] StateRollup(PodStartupState state) => Kubetrace.Analysis.Rollups.StateRollup<PodStartupState>.ToBytes(state);

    private static string Json(PodStartupReport report) => JsonSerializer.Serialize(report, AnalysisJson.Options);
}
