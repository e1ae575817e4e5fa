using System.Globalization;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Api;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// <c>pods</c>: pod start-up anatomy from kubelet's syncPod and CRI spans — sandbox, image pull, create, start
/// and the rest — slowest pods first, with pull times per image and start-up times per node so a slow image or
/// node stands out (<see cref="PodStartupState"/>).
/// </summary>
public static class PodsAnalysis
{
    private const int DefaultLimit = 50;

    public static AnalysisDefinition Definition { get; } = PodStartupState.Rollup.Define("pods",
        "Pod start-up anatomy (sandbox, image pull, create, start) from kubelet and CRI spans; per pod, image and node",
        Start, Result) with
    {
        Options =
        [
            new AnalysisParameter("by", "Rows per pod (default), image or node", Required: false),
            new AnalysisParameter("limit", $"Most pods listed (default {DefaultLimit}, at most {PodStartupState.KeptPods})", Required: false),
        ],
    };

    /// <summary>Checks the options before anything is read.</summary>
    private static PodStartupState Start(AnalysisRequest request)
    {
        (_, _) = (By(request), Limit(request));
        return new PodStartupState(request.Range);
    }

    private static AnalysisResult Result(PodStartupState state, AnalysisRequest request)
    {
        var report = Report(state, Limit(request), request.Samples);
        return new AnalysisResult(report, PodsTables.For(report, By(request)));
    }

    /// <summary>The start-ups in <paramref name="range"/>, at most <paramref name="limit"/> pods listed (aggregates use all).</summary>
    public static async Task<PodStartupReport> AnalyseAsync(ITraceStore store, TimeRange range, int limit,
        CancellationToken cancellationToken)
    {
        var state = await PodStartupState.Rollup.ScanAsync(store, new PodStartupState(range), cancellationToken).ConfigureAwait(false);
        return Report(state, limit);
    }

    public static PodStartupReport Report(PodStartupState state, int limit, RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var kept = state.SlowestPods.ToList();
        var images = state.Images
            .Select(i => ImageStats(i.Key, i.Value, state.Images.Where(o => o.Key != i.Key).Select(o => o.Value.Pulls.Latency), samples))
            .OrderByDescending(i => i.P50Nanos).ThenByDescending(i => i.P99Nanos).ThenBy(i => i.Image, StringComparer.Ordinal)
            .ToList();
        var nodes = state.Nodes
            .Select(n => NodeStats(n.Key, n.Value, kept.Where(p => p.Node == n.Key), samples))
            .Where(n => n.Pods > 0)
            .OrderByDescending(n => n.StartupP99Nanos).ThenByDescending(n => n.StartupP50Nanos).ThenBy(n => n.Node, StringComparer.Ordinal)
            .ToList();
        var podCount = nodes.Sum(n => n.Pods);
        var pulls = state.Nodes.Values.Sum(n => n.Pulls.Count);
        var notes = new List<string>
        {
            $"{AnalysisText.Count(podCount)} pod start-ups, {AnalysisText.Count(pulls)} image pulls, from {AnalysisText.Count(state.SpansRead)} spans" +
            (state.SyncsWithoutStartup > 0 ? $"; {AnalysisText.Count(state.SyncsWithoutStartup)} syncPod calls without CRI work (re-syncs) left out" : ""),
        };
        if (state.UnattributedPulls > 0)
            notes.Add($"{AnalysisText.Count(state.UnattributedPulls)} of {AnalysisText.Count(pulls)} image pulls name no image (neither the PullImage span nor containerd spans under it " +
                "carry image.ref / container.image.name: containerd 1.6 has no internal spans, or containerd is not traced); they count per pod and node, not per image");
        if (pulls > 0) notes.Add(SplitNote(state.SplitPulls, pulls));
        var startups = kept.Take(limit).Select(p => p.ToStartup(samples)).ToList();
        if (state.DetachedCriCalls > 0 || startups.Any(p => !p.PhasesKnown))
            notes.Add(DetachedNote(state.DetachedCriCalls, kept.Count(p => !p.PhasesKnown)));
        return new PodStartupReport(podCount, startups, images, nodes,
            (int)state.UnattributedPulls, state.SpansRead, (int)state.SplitPulls, notes, state.DetachedCriCalls)
        {
            Sampling = SamplingSummary.Of("start-up syncs", samples.Of(state.Sample), startups.Select(p => p.Sample).ToList()),
        };
    }

    /// <summary>What the fetch / unpack / rest columns mean, and which pulls they cover.</summary>
    private static string SplitNote(long split, long pulls)
    {
        const string Meaning = "Fetch, Unpack and Pull rest split image pulls by containerd's spans under the PullImage call (1.7, 2.x): " +
            "Fetch while the registry is being read (pull.fetch, a layer's pkg.unpack.unpacker.fetchLayer, a registry request), " +
            "Unpack while only a pkg.unpack.unpacker.unpackLayer runs (its wait for its layer's download counts as Fetch), Pull rest the remainder " +
            "(CRI and gRPC hops, writing the image record); per image they are means per pull";
        if (split == 0)
            return $"{Meaning}. n/a: none of the {AnalysisText.Count(pulls)} pulls has containerd's pull spans (containerd 1.6 traces only its gRPC server, or containerd is not traced)";
        return split == pulls
            ? $"{Meaning}; every pull has them"
            : $"{Meaning}; {AnalysisText.Count(split)} of {AnalysisText.Count(pulls)} pulls have them and the split covers those alone";
    }

    /// <summary>Why a pod's sandbox / pull / create / start columns are n/a.</summary>
    private static string DetachedNote(long detached, int pods) =>
        $"{AnalysisText.Count(detached)} start-up CRI calls are roots of traces of their own, not under a syncPod (kubelet 1.28–1.29: the runtime's SyncPod gets a fresh " +
        "context, kubernetes#121192, fixed in 1.30 by #122087); their pulls count per image and node. " +
        $"n/a for {pods} pods' Sandbox, Image pull, Create, Start and Other: no span names the pod of a detached call, and a node runs several pod " +
        "syncs at once, so joining them by time would guess";

    /// <summary>An image's pull times, and its p50 over the p50 of every other image's pulls.</summary>
    private static ImagePullStats ImageStats(string image, ImagePulls pulls, IEnumerable<LatencySketch> otherImages, RowSamples samples)
    {
        var others = new LatencySketch();
        foreach (var other in otherImages) others.Merge(other);
        var latency = pulls.Pulls.Latency;
        var p50 = latency.Percentile(0.5);
        return new ImagePullStats(image, (int)latency.Count, (int)pulls.Pulls.Errors, p50, latency.Percentile(0.99), latency.Max,
            others.Count == 0 ? 0 : p50 - others.Percentile(0.5), pulls.Nodes.ToList(), pulls.Split.ToReport())
        {
            Sample = samples.Of(pulls.Pulls), Examples = pulls.Pulls.ExamplesReport(),
        };
    }

    /// <summary>A node's start-ups: those of pods dropped from the slowest kept, and those kept; its examples are pods' start-up traces.</summary>
    private static NodeStartupStats NodeStats(string node, NodeStartups startups, IEnumerable<PodStartupRecord> kept, RowSamples samples)
    {
        var all = new LatencySketch();
        all.Merge(startups.DroppedStartups);
        var examples = new ExampleTraces();
        examples.Merge(startups.DroppedExamples);
        foreach (var pod in kept)
        {
            all.Record(pod.TotalNanos);
            examples.Record(pod.FirstTrace, ExampleTraces.WholeTrace, pod.TotalNanos);
        }
        var pulls = startups.Pulls;
        return new NodeStartupStats(node, (int)all.Count, all.Percentile(0.5), all.Percentile(0.99),
            (int)pulls.Count, pulls.Percentile(0.5), pulls.Percentile(0.99))
        {
            Sample = RowSamples.With(samples.Of(startups.Sample, all), "pull", pulls), Examples = examples.Report(all.Percentile(0.5)),
        };
    }

    private static string By(AnalysisRequest request)
    {
        var by = request.Get("by") ?? "pod";
        return by is "pod" or "image" or "node" ? by : throw new BadQueryException($"by: \"{by}\" is not one of pod, image, node");
    }

    private static int Limit(AnalysisRequest request) => request.Count("limit", DefaultLimit, PodStartupState.KeptPods);
}
