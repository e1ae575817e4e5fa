using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses.Pods;

/// <summary>
/// One pod's start-up as kubelet measured it: the syncPod calls that did start-up work (created the sandbox,
/// pulled, created or started containers), split by CRI call; <see cref="OtherNanos"/> is the rest of syncPod
/// (volumes, status, waiting). Phase times are kubelet's CRI client spans, so containerd's own spans under them
/// are not counted twice. <see cref="PhasesKnown"/> is false where none of its start-up syncs had its CRI calls
/// under it (kubelet 1.28–1.29): then only <see cref="TotalNanos"/> is known.
/// </summary>
public sealed record PodStartup(
    string Pod,
    string? Uid,
    string Node,
    IReadOnlyList<string> Images,
    long StartUnixNano,
    long TotalNanos,
    long SandboxNanos,
    long ImagePullNanos,
    long CreateNanos,
    long StartNanos,
    long OtherNanos,
    bool Error,
    IReadOnlyList<string> TraceIds,
    PullTimeSplit? PullSplit = null,
    bool PhasesKnown = true)
{
    /// <summary>The sampled traces and start-up syncs behind the row.</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>
/// Image pull time split by containerd's spans (1.7, 2.x) (<see cref="Pods.PullSplit"/>), summed over the
/// <see cref="Pulls"/> pulls that carry them: registry fetch, layer unpack, and the rest. Null where no pull does
/// (containerd 1.6): n/a.
/// </summary>
public sealed record PullTimeSplit(int Pulls, long PullNanos, long FetchNanos, long UnpackNanos, long RestNanos);

/// <summary>One PullImage call by kubelet; <see cref="Image"/> is null when no span named the image.</summary>
public sealed record ImagePull(string? Image, string Node, string Pod, long DurationNanos, bool Error);

/// <summary>
/// Pull times of one image. <see cref="AddedP50Nanos"/> is its median pull minus the median pull of every other
/// image: how much slower this image is than a typical pull in the same window.
/// </summary>
public sealed record ImagePullStats(string Image, int Pulls, int Errors, long P50Nanos, long P99Nanos, long MaxNanos,
    long AddedP50Nanos, IReadOnlyList<string> Nodes, PullTimeSplit? PullSplit = null)
{
    /// <summary>The sampled traces and pulls behind the row, scaled; its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical pull of the image (trace and kubelet's PullImage span).</summary>
    public Analysis.RowExamples? Examples { get; init; }
}

/// <summary>Start-up and pull times on one node.</summary>
public sealed record NodeStartupStats(string Node, int Pods, long StartupP50Nanos, long StartupP99Nanos, int Pulls,
    long PullP50Nanos, long PullP99Nanos)
{
    /// <summary>The sampled traces and start-up syncs behind the row, scaled; its start-up (<c>p50</c>, ...) and pull (<c>pull p50</c>, ...) percentiles' bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The node's slowest and a typical pod start-up (the trace of the pod's first start-up sync, whole).</summary>
    public Analysis.RowExamples? Examples { get; init; }
}

/// <summary>What <c>pods</c> found: pods slowest first, images by pull p50 (slowest first), nodes by start-up p99.</summary>
public sealed record PodStartupReport(
    int PodCount,
    IReadOnlyList<PodStartup> Pods,
    IReadOnlyList<ImagePullStats> Images,
    IReadOnlyList<NodeStartupStats> Nodes,
    int UnattributedPulls,
    long SpansRead,
    int SplitPulls,
    IReadOnlyList<string> Notes,
    long DetachedCriCalls = 0)
{
    /// <summary>How much of the cluster's traffic the answer rests on (its small rows: the pod rows').</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}
