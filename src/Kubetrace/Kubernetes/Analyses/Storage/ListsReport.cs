using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses.Storage;

/// <summary>What the <c>lists</c> analysis found (the JSON of <c>kubetrace analyze lists --json</c>).</summary>
public sealed record ListsReport(long Lists, long FromCache, long FromEtcd, IReadOnlyList<ListsRow> Rows)
{
    /// <summary>How much of the cluster's traffic the answer rests on.</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;
}

/// <summary>The LISTs of one resource by one caller served from one place.</summary>
/// <param name="ServedFrom"><c>watch cache</c>, <c>etcd</c>, or <c>(unknown)</c> when no storage span was stored under the request.</param>
/// <param name="ObjectsReturned">Objects in the responses (null: no request carried a count).</param>
/// <param name="ObjectsReadFromCache">Objects the cache read under the key prefix before selectors (null: none served from the cache).</param>
/// <param name="BytesWritten">Response bytes (null: no SerializeObject write event stored).</param>
public sealed record ListsRow(string Resource, string Caller, string ServedFrom, long Lists, double P50Ms, double P99Ms,
    ValueSummary? ObjectsReturned, ValueSummary? ObjectsReadFromCache, ValueSummary? BytesWritten)
{
    /// <summary>The sampled traces and LISTs behind the row, scaled; its percentiles' bounds.</summary>
    public RowSample Sample { get; init; } = RowSample.None;

    /// <summary>The slowest and a typical LIST of the row (trace and handler span).</summary>
    public Analysis.RowExamples? Examples { get; init; }
}

/// <summary>A value over the requests that carried it: how many did, its mean and its maximum.</summary>
public sealed record ValueSummary(long Requests, double Mean, long Max);
