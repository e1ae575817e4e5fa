using Kubetrace.Analysis;
using Kubetrace.Kubernetes.Analyses.Pods;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Corpus;

/// <summary>
/// <c>analyze pods</c> on the upstream-shaped node corpus of every release gives the planted answer (see each
/// folder's README): two pod start-ups (a 20 s pull of registry.example.com/shop/api:2.8.0 whose layers download
/// slowly, and a cached image), the termination not counted; the pull split where containerd's spans allow it, n/a
/// with the reason where they do not (containerd 1.6) and per-pod phases n/a where the kubelet's CRI calls are
/// not under syncPod (1.28–1.29).
/// </summary>
public sealed class NodeCorpusPodsTests
{
    private const long Ms = 1_000_000;
    private const string SlowImage = "registry.example.com/shop/api:2.8.0";

    private static async Task<PodStartupReport> AnalyseAsync(string release)
    {
        await using var store = new TempStore();
        foreach (var request in NodeCorpus.Requests(release)) await store.AppendAsync(request);
        return await PodsAnalysis.AnalyseAsync(store.Store, TimeRange.All, limit: 50, CancellationToken.None);
    }

    [Theory]
    [InlineData("1.27-containerd-1.6.20")]
    [InlineData("1.29-containerd-1.7.13")]
    [InlineData("1.34-containerd-1.7.20")]
    [InlineData("1.36-containerd-2.1.0")]
    public async Task Two_pods_started_and_the_slow_one_took_its_planted_time(string release)
    {
        var report = await AnalyseAsync(release);

        Assert.Equal(2, report.PodCount); // the termination's syncTerminatingPod is no start-up
        var slow = report.Pods[0];
        Assert.Equal(("shop/api-7c9f-slow", "node-a", 20_951 * Ms), (slow.Pod, slow.Node, slow.TotalNanos));
        Assert.Equal(("shop/web-5d2a-cached", 950 * Ms), (report.Pods[1].Pod, report.Pods[1].TotalNanos));
    }

    [Theory]
    [InlineData("1.34-containerd-1.7.20", 19_000, 800, 200)]
    [InlineData("1.29-containerd-1.7.13", 19_000, 800, 200)]
    [InlineData("1.36-containerd-2.1.0", 18_915, 810, 275)] // 2.1 pulls through the transfer service: no pull.fetch span
    public async Task A_slow_registry_shows_as_fetch_not_unpack(string release, long fetchMs, long unpackMs, long restMs)
    {
        var report = await AnalyseAsync(release);

        var image = Assert.Single(report.Images);
        Assert.Equal(SlowImage, image.Image);
        var split = image.PullSplit!;
        Assert.Equal((20_000 * Ms, fetchMs * Ms, unpackMs * Ms, restMs * Ms), (split.PullNanos, split.FetchNanos, split.UnpackNanos, split.RestNanos));
        var row = PodsTables.For(report, "image").Rows[0];
        Assert.Equal([AnalysisText.Duration(fetchMs * Ms), AnalysisText.Duration(unpackMs * Ms), AnalysisText.Duration(restMs * Ms)], row.Skip(7).Take(3));
    }

    [Fact]
    public async Task Containerd_1_6_names_no_image_and_its_split_is_n_a_with_the_reason()
    {
        var report = await AnalyseAsync("1.27-containerd-1.6.20");

        Assert.Empty(report.Images);
        Assert.Equal(1, report.UnattributedPulls);
        var slow = report.Pods[0];
        Assert.Equal((600 * Ms, 20_000 * Ms, 80 * Ms, 150 * Ms), (slow.SandboxNanos, slow.ImagePullNanos, slow.CreateNanos, slow.StartNanos));
        Assert.Equal(["n/a", "n/a", "n/a"], PodsTables.For(report, "pod").Rows[0].Skip(5).Take(3));
        Assert.Contains(report.Notes, n => n.Contains("n/a: none of the 1 pulls has containerd's pull spans (containerd 1.6", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubelet_1_29_detached_CRI_calls_leave_the_pods_phases_n_a_with_the_reason_and_still_count_per_image()
    {
        var report = await AnalyseAsync("1.29-containerd-1.7.13");

        Assert.All(report.Pods, p => Assert.False(p.PhasesKnown));
        var row = PodsTables.For(report, "pod").Rows[0];
        Assert.Equal(["21s", "n/a", "n/a"], row.Skip(2).Take(3));
        Assert.Equal(["n/a", "n/a", "n/a"], row.Skip(8).Take(3));
        Assert.Equal(7, report.DetachedCriCalls); // sandbox, pull, create, start; sandbox, create, start (status checks are no start-up phase)
        Assert.Contains(report.Notes, n => n.Contains("kubernetes#121192", StringComparison.Ordinal) && n.Contains("n/a for 2 pods", StringComparison.Ordinal));
        Assert.Equal(20_000 * Ms, Assert.Single(report.Nodes).PullP50Nanos, 20 * Ms); // the node's pulls are still counted
    }

    [Theory]
    [InlineData("1.34-containerd-1.7.20")]
    [InlineData("1.36-containerd-2.1.0")]
    public async Task Attached_releases_give_each_phase_of_the_slow_pod(string release)
    {
        var report = await AnalyseAsync(release);

        var slow = report.Pods[0];
        Assert.True(slow.PhasesKnown);
        Assert.Equal((600 * Ms, 20_000 * Ms, 80 * Ms, 150 * Ms, 121 * Ms), (slow.SandboxNanos, slow.ImagePullNanos, slow.CreateNanos, slow.StartNanos, slow.OtherNanos));
        Assert.Equal([SlowImage], slow.Images);
        Assert.Equal(0, report.Pods[1].ImagePullNanos);
    }
}
