using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>The three views of <see cref="PodStartupReport"/> as tables, worst first.</summary>
public static class PodsTables
{
    public static AnalysisTable For(PodStartupReport report, string by)
    {
        var notes = new List<string>(report.Notes);
        if (report.Images.FirstOrDefault() is { } slowest && report.Images.Count > 1)
            notes.Add($"slowest image: {slowest.Image}, pull p50 {D(slowest.P50Nanos)} ({Signed(slowest.AddedP50Nanos)} over the other images' p50), p99 {D(slowest.P99Nanos)}");
        if (by == "pod" && report.Pods.Count < report.PodCount)
            notes.Add($"showing the {N(report.Pods.Count)} slowest of {N(report.PodCount)} pods (--limit)");
        return by switch
        {
            "image" => new AnalysisTable("Image pulls, slowest image first",
                ["Image", "Pulls", "Errors", "Pull p50", "Pull p99", "Max", "p50 vs other images", "Fetch (mean)", "Unpack (mean)", "Pull rest (mean)", "Nodes"],
                report.Images.Select(i => Row(i.Image, SampleText.Count(i.Sample), N(i.Errors), P(i.Sample, "p50", i.P50Nanos), P(i.Sample, "p99", i.P99Nanos), D(i.MaxNanos),
                    Signed(i.AddedP50Nanos), Mean(i.PullSplit, s => s.FetchNanos), Mean(i.PullSplit, s => s.UnpackNanos),
                    Mean(i.PullSplit, s => s.RestNanos), string.Join(", ", i.Nodes))).ToList())
                { Notes = notes, Samples = Samples(report.Images.Select(i => i.Sample)), Sampling = report.Sampling.ForRows(Samples(report.Images.Select(i => i.Sample))),
                  Examples = report.Images.Select(i => i.Examples).ToList(), Searches = report.Images.Select(i => ImagePullSearch.Of(i.Image)).ToList(),
                  DropFirst = ["Nodes", "Max", "Pull rest (mean)", "p50 vs other images"] },
            "node" => new AnalysisTable("Pod start-up per node, slowest first",
                ["Node", "Pods", "Start-up p50", "Start-up p99", "Pulls", "Pull p50", "Pull p99"],
                report.Nodes.Select(n => Row(n.Node, N(n.Pods), P(n.Sample, "p50", n.StartupP50Nanos), P(n.Sample, "p99", n.StartupP99Nanos), N(n.Pulls),
                    P(n.Sample, "pull p50", n.PullP50Nanos), P(n.Sample, "pull p99", n.PullP99Nanos))).ToList())
                { Notes = notes, Samples = Samples(report.Nodes.Select(n => n.Sample)), Sampling = report.Sampling.ForRows(Samples(report.Nodes.Select(n => n.Sample))),
                  Examples = report.Nodes.Select(n => n.Examples).ToList(),
                  Searches = report.Nodes.Select(n => StartupSyncs(n.Node == UnknownNode ? [] : [$"{K8sKeys.Node}={n.Node}"])).ToList() },
            _ => new AnalysisTable("Pod start-up, slowest first",
                ["Pod", "Node", "Total", "Sandbox", "Image pull", "Fetch", "Unpack", "Pull rest", "Create", "Start", "Other", "Images", "Status"],
                report.Pods.Select(p => Row(p.Pod, p.Node, D(p.TotalNanos), Phase(p, p.SandboxNanos), Phase(p, p.ImagePullNanos),
                    Sum(p.PullSplit, s => s.FetchNanos), Sum(p.PullSplit, s => s.UnpackNanos), Sum(p.PullSplit, s => s.RestNanos),
                    Phase(p, p.CreateNanos), Phase(p, p.StartNanos), Phase(p, p.OtherNanos), p.Images.Count == 0 ? "—" : string.Join(", ", p.Images),
                    p.Error ? "error" : "ok")).ToList()) { Notes = notes, Samples = Samples(report.Pods.Select(p => p.Sample)), Sampling = report.Sampling,
                Examples = report.Pods.Select(PodExample).ToList(), Searches = report.Pods.Select(PodSearch).ToList(), Objects = report.Pods.Select(PodObject).ToList(),
                DropFirst = ["Images", "Other", "Pull rest", "Fetch", "Unpack", "Create", "Sandbox"] },
        };
    }

    /// <summary>
    /// The kubelet's syncPod spans under <paramref name="attributes"/>: a row's start-up syncs, the spans its sample
    /// counts. Exact where every syncPod of the range is a start-up (as simulated); a steady-state re-sync of the same
    /// pod, which the row leaves out (no CRI call under it), is found too: one span cannot say what is under it.
    /// </summary>
    private static RowSearch? StartupSyncs(IReadOnlyList<string> attributes) =>
        attributes.Count == 0 ? null : new RowSearch("kubelet", PodStartupState.SyncPod, null, attributes);

    /// <summary>The pod itself, for its object timeline; null when its name is not known (<c>ns/?</c>).</summary>
    private static RowObject? PodObject(PodStartup pod) =>
        pod.Pod.IndexOf('/') > 0 && !pod.Pod.EndsWith("/?", StringComparison.Ordinal) ? new RowObject(pod.Pod, "pods") : null;

    /// <summary>A pod's start-up syncs: by its UID, else its namespace and name.</summary>
    private static RowSearch? PodSearch(PodStartup pod)
    {
        if (pod.Uid is { } uid) return StartupSyncs([$"{K8sKeys.PodUid}={uid}"]);
        var slash = pod.Pod.IndexOf('/');
        return slash < 0 || pod.Pod.EndsWith("/?", StringComparison.Ordinal) ? null
            : StartupSyncs([$"{K8sKeys.Namespace}={pod.Pod[..slash]}", $"{K8sKeys.PodName}={pod.Pod[(slash + 1)..]}"]);
    }

    /// <summary>A pod row's example: the trace of its start-up (kubelet's syncPod), which the row measured whole.</summary>
    private static RowExamples? PodExample(PodStartup pod) =>
        pod.TraceIds.Count == 0 ? null : new RowExamples(new RowExample(pod.TraceIds[0], null, ReportNumbers.Ms(pod.TotalNanos)), null);

    /// <summary>A pod's phase, or n/a where its CRI calls are not under its syncPod (the notes say why).</summary>
    private static string Phase(PodStartup pod, long nanos) => pod.PhasesKnown ? D(nanos) : NotAvailable;

    /// <summary>A pod's pulls split, or n/a when none of them has containerd's pull spans.</summary>
    private static string Sum(PullTimeSplit? split, Func<PullTimeSplit, long> part) => split is null ? NotAvailable : D(part(split));

    /// <summary>An image's split per pull that has it, or n/a.</summary>
    private static string Mean(PullTimeSplit? split, Func<PullTimeSplit, long> part) => split is null ? NotAvailable : D(part(split) / split.Pulls);

    private const string NotAvailable = "n/a";

    /// <summary>The node of a start-up whose syncPod names none (<see cref="PodStartupState"/>): no search can single it out.</summary>
    internal const string UnknownNode = "(unknown node)";

    private static IReadOnlyList<string> Row(params string[] cells) => cells;

    private static List<RowSample> Samples(IEnumerable<RowSample> samples) => samples.ToList();

    /// <summary>A percentile with its small-sample mark (<see cref="SampleText"/>).</summary>
    private static string P(RowSample sample, string name, long nanos) => SampleText.PercentileNanos(sample, name, nanos);

    private static string D(long nanos) => AnalysisText.Duration(nanos);

    private static string N(int n) => AnalysisText.Count(n);

    private static string Signed(long nanos) => AnalysisText.Signed(nanos);
}
