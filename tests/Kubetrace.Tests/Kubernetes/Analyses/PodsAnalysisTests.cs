using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary><c>pods</c> over hand-built kubelet / CRI / containerd traces in a real store.</summary>
public sealed class PodsAnalysisTests
{
    private const long Ms = 1_000_000;

    private static KubeTraces Cluster() => new KubeTraces()
        .Pod(1, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 500, pullMs: 3000, "registry.example/web:1", createMs: 200, startMs: 200, otherMs: 1100)
        .Pod(2, "node-2", "shop", "api-1", "uid-api-1", sandboxMs: 400, pullMs: 500, "registry.example/api:2", createMs: 100, startMs: 100, otherMs: 400)
        .Pod(3, "node-2", "shop", "api-2", "uid-api-2", sandboxMs: 400, pullMs: 400, "registry.example/api:2", createMs: 100, startMs: 100, otherMs: 400)
        .Pod(4, "node-1", "jobs", "batch-1", "uid-batch-1", sandboxMs: 300, pullMs: 600, image: null, createMs: 100, startMs: 100, otherMs: 100)
        // A re-sync of a running pod: no CRI work, not a start-up.
        .Span("kubelet", "node-1", 5, 1, 0, "syncPod", 0, 50, attributes: [("k8s.pod", "shop/web-0"), ("k8s.pod.uid", "uid-web-0")]);

    private static async Task<PodStartupReport> AnalyseAsync(KubeTraces traces)
    {
        await using var store = new TempStore();
        await store.AppendAsync(traces.Request());
        return await PodsAnalysis.AnalyseAsync(store.Store, TimeRange.All, limit: 50, CancellationToken.None);
    }

    [Fact]
    public async Task Each_pod_start_up_is_split_into_its_cri_calls_slowest_pod_first()
    {
        var report = await AnalyseAsync(Cluster());

        Assert.Equal(["shop/web-1", "shop/api-1", "shop/api-2", "jobs/batch-1"], report.Pods.Select(p => p.Pod));
        var web = report.Pods[0];
        Assert.Equal(("uid-web-1", "node-1"), (web.Uid, web.Node));
        Assert.Equal(["registry.example/web:1"], web.Images);
        // kubelet's client spans are the measure; containerd's spans under them are not added again.
        Assert.Equal([5000 * Ms, 500 * Ms, 3000 * Ms, 200 * Ms, 200 * Ms, 1100 * Ms],
            [web.TotalNanos, web.SandboxNanos, web.ImagePullNanos, web.CreateNanos, web.StartNanos, web.OtherNanos]);
        Assert.Contains(report.Notes, n => n.Contains("1 syncPod calls without CRI work", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Pull_times_per_image_put_the_slow_image_first_with_its_excess_over_the_others()
    {
        var report = await AnalyseAsync(Cluster());

        Assert.Equal(["registry.example/web:1", "registry.example/api:2"], report.Images.Select(i => i.Image));
        var web = report.Images[0];
        Assert.Equal((1, 3000 * Ms, 3000 * Ms), (web.Pulls, web.P50Nanos, web.P99Nanos));
        Assert.Equal((3000 - 400) * Ms, web.AddedP50Nanos); // the other image's pulls: 400ms and 500ms, p50 400ms
        Assert.Equal((2, 400 * Ms, 500 * Ms), (report.Images[1].Pulls, report.Images[1].P50Nanos, report.Images[1].P99Nanos));
        Assert.Equal(["node-2"], report.Images[1].Nodes);
    }

    [Fact]
    public async Task Pulls_without_an_image_name_count_for_the_pod_and_node_and_are_reported_as_unattributed()
    {
        var report = await AnalyseAsync(Cluster());

        Assert.Equal(600 * Ms, report.Pods.Single(p => p.Pod == "jobs/batch-1").ImagePullNanos);
        Assert.Equal(1, report.UnattributedPulls);
        Assert.Contains(report.Notes, n => n.StartsWith("1 of 4 image pulls name no image", StringComparison.Ordinal));
        var node1 = report.Nodes.Single(n => n.Node == "node-1");
        Assert.Equal((2, 2), (node1.Pods, node1.Pulls));
        Assert.Equal("node-1", report.Nodes[0].Node); // web-1's 5s start-up is the worst tail (p99)
    }

    [Fact]
    public void Table_views_list_worst_first()
    {
        var report = new PodStartupReport(1,
            [new PodStartup("a/b", "u", "n1", ["img"], 0, 10 * Ms, 1 * Ms, 5 * Ms, 1 * Ms, 1 * Ms, 2 * Ms, false, ["t"])],
            [new ImagePullStats("img", 1, 0, 5 * Ms, 5 * Ms, 5 * Ms, 0, ["n1"])],
            [new NodeStartupStats("n1", 1, 10 * Ms, 10 * Ms, 1, 5 * Ms, 5 * Ms)], 0, 12, 0, []);

        Assert.Equal(["a/b", "n1", "10ms", "1ms", "5ms", "n/a", "n/a", "n/a", "1ms", "1ms", "2ms", "img", "ok"], PodsTables.For(report, "pod").Rows[0]);
        Assert.Equal("img", PodsTables.For(report, "image").Rows[0][0]);
        Assert.Equal("n1", PodsTables.For(report, "node").Rows[0][0]);
    }
}
