using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses;

/// <summary>What the <c>etcd</c> analysis found (the JSON of <c>kubetrace analyze etcd --json</c>).</summary>
/// <param name="ObservedSeconds">From the first call's start to the last call's end: what rates are per.</param>
public sealed record EtcdLatencyReport(
    long Calls,
    double ObservedSeconds,
    string SortedBy,
    IReadOnlyList<EtcdOperationLatency> Operations)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>One etcd operation on one key prefix.</summary>
/// <param name="Method">The gRPC method, <c>KV/Range</c>, <c>KV/Txn</c>, ...</param>
/// <param name="StorageOperation">The apiserver span it ran under (<c>GuaranteedUpdate etcd3</c>, <c>cacher.Get</c>, a GET's handler <c>Get</c>), or "" when none.</param>
/// <param name="Resource">group.resource (<c>deployments.apps</c>, <c>pods</c>), <c>(compaction)</c>, or <c>(unknown)</c> when no span names it.</param>
/// <param name="EtcdSideCalls">How many of the calls have etcd's server span stored: what <paramref name="EtcdP99Ms"/> rests on (null when none).</param>
/// <param name="MeasuredOn"><c>apiserver</c> (its etcd client span) or <c>etcd</c> (a server span with no client span above it).</param>
public sealed record EtcdOperationLatency(
    string Method,
    string StorageOperation,
    string Resource,
    string MeasuredOn,
    long Calls,
    double RatePerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MeanMs,
    long Errors,
    double ErrorRate,
    long EtcdSideCalls,
    double? EtcdP50Ms,
    double? EtcdP99Ms)
{
    /// <summary>The sampled traces and calls behind the row, scaled (calls and rate); its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical call (trace and span), as this analysis classified them.</summary>
    public RowExamples? Examples { get; init; }
}
