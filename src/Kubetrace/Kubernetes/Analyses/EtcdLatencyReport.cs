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
/// <param name="StorageOperation">The apiserver storage span it ran under (<c>GuaranteedUpdate etcd3</c>), or "" when none.</param>
/// <param name="KeyPrefix">The registry prefix (<c>/registry/pods</c>), from the storage span's key.</param>
/// <param name="MeasuredOn"><c>apiserver</c> (its etcd client span) or <c>etcd</c> (a server span with no client span above it).</param>
public sealed record EtcdOperationLatency(
    string Method,
    string StorageOperation,
    string KeyPrefix,
    string MeasuredOn,
    long Calls,
    double RatePerSecond,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MeanMs,
    long Errors,
    double ErrorRate)
{
    /// <summary>The sampled traces and calls behind the row, scaled (calls and rate); its percentiles' and error rate's bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}
