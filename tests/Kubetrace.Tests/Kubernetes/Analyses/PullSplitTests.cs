using System.Text.Json;
using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// <c>pods</c> splits image pull time into registry fetch, unpack and the rest where containerd 1.7's pull spans
/// are under the kubelet's PullImage call, and says n/a where they are not (containerd 1.6).
/// </summary>
public sealed class PullSplitTests
{
    private const long Ms = 1_000_000;

    private static async Task<PodStartupReport> AnalyseAsync(KubeTraces traces)
    {
        await using var store = new TempStore();
        await store.AppendAsync(traces.Request());
        return await PodsAnalysis.AnalyseAsync(store.Store, TimeRange.All, limit: 50, CancellationToken.None);
    }

    private static async Task<PodStartupState> SimulateAsync(string version)
    {
        await using var store = new TempStore();
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(version), Scenarios = SimulationScenario.ImagePullSlow,
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), Duration = TimeSpan.FromSeconds(20), Seed = 11,
        });
        foreach (var batch in simulator.Batches()) await store.AppendAsync(batch.Request);
        return await PodStartupState.Rollup.ScanAsync(store.Store, new PodStartupState(TimeRange.All), CancellationToken.None);
    }

    [Fact]
    public async Task Overlapping_fetches_count_once_and_unpacking_counts_only_while_nothing_is_fetched()
    {
        // The pull runs from 500 to 3500 ms: two fetches overlap (510-2000 and 1000-2500), an unpack overlaps the
        // second (2300-3100). Fetch 510-2500 = 1990 ms, unpack 2500-3100 = 600 ms, the rest 410 ms.
        var traces = new KubeTraces()
            .Pod(1, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 500, pullMs: 3000, "registry.example/web:1", createMs: 100, startMs: 100, otherMs: 100)
            .Layers(1, "node-1", fetches: [(510, 2000), (1000, 2500)], unpacks: [(2300, 3100)]);

        var report = await AnalyseAsync(traces);

        var split = report.Pods[0].PullSplit!;
        Assert.Equal((1, 3000 * Ms, 1990 * Ms, 600 * Ms, 410 * Ms), (split.Pulls, split.PullNanos, split.FetchNanos, split.UnpackNanos, split.RestNanos));
        Assert.Equal(split, report.Images[0].PullSplit);
        var row = PodsTables.For(report, "pod").Rows[0];
        Assert.Equal(["3s", "1.99s", "600ms", "410ms"], row.Skip(4).Take(4));
        Assert.Contains(report.Notes, n => n.EndsWith("every pull has them", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_row_gives_the_mean_split_per_pull()
    {
        // Pulls of 1 s (fetch 600 ms, unpack 300 ms, rest 100 ms) and 2 s (1400, 400, 200): means 1 s, 350 ms, 150 ms.
        var traces = new KubeTraces()
            .Pod(1, "node-1", "shop", "api-1", "uid-api-1", sandboxMs: 100, pullMs: 1000, "registry.example/api:2", createMs: 100, startMs: 100, otherMs: 100)
            .Layers(1, "node-1", fetches: [(100, 700)], unpacks: [(700, 1000)])
            .Pod(2, "node-2", "shop", "api-2", "uid-api-2", sandboxMs: 100, pullMs: 2000, "registry.example/api:2", createMs: 100, startMs: 100, otherMs: 100)
            .Layers(2, "node-2", fetches: [(100, 1500)], unpacks: [(1500, 1900)]);

        var report = await AnalyseAsync(traces);

        var image = Assert.Single(report.Images);
        Assert.Equal((2, 2000 * Ms, 700 * Ms, 300 * Ms), (image.PullSplit!.Pulls, image.PullSplit.FetchNanos, image.PullSplit.UnpackNanos, image.PullSplit.RestNanos));
        var table = PodsTables.For(report, "image");
        Assert.Equal(["1s", "350ms", "150ms"], table.Rows[0].Skip(7).Take(3));
    }

    [Fact]
    public async Task Pulls_without_containerd_pull_spans_show_n_a_and_the_note_says_why()
    {
        var traces = new KubeTraces() // containerd 1.6: only its server span under the kubelet's PullImage
            .Pod(1, "node-1", "jobs", "batch-1", "uid-batch-1", sandboxMs: 300, pullMs: 600, image: null, createMs: 100, startMs: 100, otherMs: 100);

        var report = await AnalyseAsync(traces);

        Assert.Null(report.Pods[0].PullSplit);
        Assert.Equal(0, report.SplitPulls);
        Assert.Equal(["n/a", "n/a", "n/a"], PodsTables.For(report, "pod").Rows[0].Skip(5).Take(3));
        Assert.Contains(report.Notes, n => n.Contains("n/a: none of the 1 pulls has containerd's pull spans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_both_containerd_versions_the_split_covers_the_1_7_pulls_alone_and_the_note_says_so()
    {
        var traces = new KubeTraces()
            .Pod(1, "node-1", "shop", "web-1", "uid-web-1", sandboxMs: 100, pullMs: 1000, "registry.example/web:1", createMs: 100, startMs: 100, otherMs: 100)
            .Layers(1, "node-1", fetches: [(100, 900)], unpacks: [])
            .Pod(2, "node-2", "jobs", "batch-1", "uid-batch-1", sandboxMs: 100, pullMs: 600, image: null, createMs: 100, startMs: 100, otherMs: 100);

        var report = await AnalyseAsync(traces);

        Assert.Equal(1, report.SplitPulls);
        Assert.Equal((800 * Ms, 0L, 200 * Ms), (report.Pods[0].PullSplit!.FetchNanos, report.Pods[0].PullSplit!.UnpackNanos, report.Pods[0].PullSplit!.RestNanos));
        Assert.Null(report.Pods.Single(p => p.Pod == "jobs/batch-1").PullSplit);
        Assert.Contains(report.Notes, n => n.EndsWith("1 of 2 pulls have them and the split covers those alone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Simulated_containerd_1_7_splits_every_pull_and_the_parts_add_up_to_each_pods_pull_time()
    {
        Assert.Equal(ContainerdVersion.V1_7, new SimulationOptions { KubernetesVersion = KubernetesVersion.Parse("1.34") }.EffectiveContainerd);
        var state = await SimulateAsync("1.34");

        var report = PodsAnalysis.Report(state, PodStartupState.KeptPods);

        Assert.True(report.PodCount >= 5, $"only {report.PodCount} pods started");
        Assert.Equal(state.Nodes.Values.Sum(n => n.Pulls.Count), report.SplitPulls);
        Assert.All(report.Pods, p =>
        {
            var split = p.PullSplit!;
            Assert.Equal(p.ImagePullNanos, split.PullNanos);
            Assert.Equal(split.PullNanos, split.FetchNanos + split.UnpackNanos + split.RestNanos);
            Assert.True(split.FetchNanos > split.UnpackNanos && split.UnpackNanos > split.RestNanos, $"{p.Pod}: {split}");
        });
        // Written as a rollup and read back, the split is the same.
        var read = PodStartupState.Rollup.Read(Kubetrace.Analysis.Rollups.StateRollup<PodStartupState>.ToBytes(state));
        Assert.Equal(Json(report), Json(PodsAnalysis.Report(read, PodStartupState.KeptPods)));
    }

    [Fact]
    public async Task Simulated_containerd_1_6_splits_nothing()
    {
        var state = await SimulateAsync("1.27");

        var report = PodsAnalysis.Report(state, PodStartupState.KeptPods);

        Assert.True(report.PodCount >= 5, $"only {report.PodCount} pods started");
        Assert.Equal(0, report.SplitPulls);
        Assert.All(report.Pods, p => Assert.Null(p.PullSplit));
        Assert.Contains(report.Notes, n => n.Contains("n/a: none of the", StringComparison.Ordinal));
    }

    private static string Json(PodStartupReport report) => JsonSerializer.Serialize(report, AnalysisJson.Options);
}
