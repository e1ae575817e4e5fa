using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Api;
using Kubetrace.Cli.Query;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// <c>pods</c>: pod start-up anatomy from kubelet's syncPod and CRI spans — sandbox, image pull, create, start
/// and the rest — slowest pods first, with pull times per image and start-up times per node so a slow image or
/// node stands out.
/// </summary>
public static class PodsAnalysis
{
    private const int DefaultLimit = 50;

    public static AnalysisDefinition Definition { get; } = new("pods",
        "Pod start-up anatomy (sandbox, image pull, create, start) from kubelet and CRI spans; per pod, image and node",
        RunAsync)
    {
        Options =
        [
            new AnalysisParameter("by", "rows per pod (default), image or node", Required: false),
            new AnalysisParameter("limit", $"most pods listed (default {DefaultLimit})", Required: false),
        ],
    };

    private static async Task<AnalysisResult> RunAsync(AnalysisRequest request, CancellationToken cancellationToken)
    {
        var by = request.Get("by") ?? "pod";
        if (by is not ("pod" or "image" or "node")) throw new BadQueryException($"by: \"{by}\" is not one of pod, image, node");
        var limit = Limit(request.Get("limit"));
        var report = await AnalyseAsync(request.Store, request.Range, limit, cancellationToken).ConfigureAwait(false);
        return new AnalysisResult(report, PodsTables.For(report, by));
    }

    /// <summary>The start-ups in <paramref name="range"/>, at most <paramref name="limit"/> pods listed (aggregates use all).</summary>
    public static async Task<PodStartupReport> AnalyseAsync(ITraceStore store, TimeRange range, int limit,
        CancellationToken cancellationToken)
    {
        var attributes = new ScannedAttributes(range, PodStartupCollector.Keys).ForServices("kubelet");
        var collector = new PodStartupCollector(attributes);
        await store.ScanAsync(attributes.Request, collector.Visit, cancellationToken).ConfigureAwait(false);
        return Report(collector, limit);
    }

    private static PodStartupReport Report(PodStartupCollector collector, int limit)
    {
        var pods = collector.Pods.OrderByDescending(p => p.TotalNanos).ThenBy(p => p.Pod, StringComparer.Ordinal).ToList();
        var attributed = collector.Pulls.Where(p => p.Image is not null).ToList();
        var images = attributed.GroupBy(p => p.Image!, StringComparer.Ordinal)
            .Select(g => ImageStats(g.Key, g.ToList(), attributed.Where(p => p.Image != g.Key).Select(p => p.DurationNanos)))
            .OrderByDescending(i => i.P50Nanos).ThenByDescending(i => i.P99Nanos).ThenBy(i => i.Image, StringComparer.Ordinal)
            .ToList();
        var nodes = pods.GroupBy(p => p.Node, StringComparer.Ordinal)
            .Select(g => NodeStats(g.Key, g.ToList(), collector.Pulls.Where(p => p.Node == g.Key).ToList()))
            .OrderByDescending(n => n.StartupP99Nanos).ThenByDescending(n => n.StartupP50Nanos).ThenBy(n => n.Node, StringComparer.Ordinal)
            .ToList();
        var unattributed = collector.Pulls.Count - attributed.Count;
        var notes = new List<string>
        {
            $"{pods.Count} pod start-ups, {collector.Pulls.Count} image pulls, from {collector.SpansRead:N0} spans" +
            (collector.SyncsWithoutStartup > 0 ? $"; {collector.SyncsWithoutStartup} syncPod calls without CRI work (re-syncs) left out" : ""),
        };
        if (unattributed > 0)
            notes.Add($"{unattributed} of {collector.Pulls.Count} image pulls name no image (neither the PullImage span nor containerd spans under it " +
                "carry image.ref / container.image.name: containerd 1.6 has no internal spans, or containerd is not traced); they count per pod and node, not per image");
        return new PodStartupReport(pods.Count, pods.Take(limit).ToList(), images, nodes, unattributed, collector.SpansRead, notes);
    }

    private static ImagePullStats ImageStats(string image, List<ImagePull> pulls, IEnumerable<long> otherImages)
    {
        var sorted = pulls.Select(p => p.DurationNanos).Order().ToList();
        var others = otherImages.Order().ToList();
        var p50 = Percentiles.Of(sorted, 0.5);
        return new ImagePullStats(image, pulls.Count, pulls.Count(p => p.Error), p50, Percentiles.Of(sorted, 0.99), sorted[^1],
            others.Count == 0 ? 0 : p50 - Percentiles.Of(others, 0.5),
            pulls.Select(p => p.Node).Distinct().Order(StringComparer.Ordinal).ToList());
    }

    private static NodeStartupStats NodeStats(string node, List<PodStartup> pods, List<ImagePull> pulls)
    {
        var startups = pods.Select(p => p.TotalNanos).Order().ToList();
        var pullTimes = pulls.Select(p => p.DurationNanos).Order().ToList();
        return new NodeStartupStats(node, pods.Count, Percentiles.Of(startups, 0.5), Percentiles.Of(startups, 0.99),
            pulls.Count, Percentiles.Of(pullTimes, 0.5), Percentiles.Of(pullTimes, 0.99));
    }

    private static int Limit(string? text)
    {
        if (text is null) return DefaultLimit;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= 100_000
            ? limit : throw new BadQueryException($"limit: \"{text}\" is not a number from 1 to 100000");
    }
}
