using Kubetrace.Analysis;
using static Kubetrace.Kubernetes.Analyses.Storage.EtcdCallConditions;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>
/// The search behind an <c>etcd-timeline</c> bucket: the calls it measures (<see cref="EtcdCallConditions"/>, any
/// method but watch streams and <c>KV/Compact</c>) over the bucket's own range. Not exact (<see cref="Why"/>): it
/// holds every call of the bucket, and also the other calls of the traces it finds.
/// </summary>
internal static class EtcdBucketSearch
{
    /// <summary>Why no search finds exactly a bucket's calls, and what this one finds besides them (docs/ui.md).</summary>
    public const string Why =
        "Not exact: a bucket counts the calls that start in it, and TraceQL has no span start time: it finds the traces that overlap the bucket, " +
        "so it also lists those traces' calls that start before or after it. The native search, which takes spans by their start, " +
        "cannot say \"the apiserver's client span, or etcd's server span with no client span above it\".";

    private static readonly string Measured = string.Join(" || ",
        $"({OnApiserver(Rpc, NotMethod("Watch/Watch"), NotMethod("KV/Compact"))})",
        $"({OnEtcd(Rpc, NotMethod("Watch/Watch"), NotMethod("KV/Compact"))})");

    /// <summary>A bucket's search, null for a bucket without calls (compactions alone).</summary>
    public static RowSearch? Of(EtcdTimelineRow bucket, long bucketSeconds) => bucket.Calls == 0 ? null
        : RowSearch.Query(Measured) with { Start = bucket.StartUnixNano, End = bucket.StartUnixNano + bucketSeconds * 1_000_000_000, Inexact = Why };
}
