using System.Text.Json.Serialization;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses.Objects;

/// <summary>How a span on an object's timeline is related to the object.</summary>
public enum TimelineRelation
{
    /// <summary>Its attributes name the object (apiserver namespace+name, kubelet k8s.pod / k8s.pod.uid).</summary>
    Attribute,
    /// <summary>An etcd storage span on the object's key (/registry/…/namespace/name).</summary>
    EtcdKey,
    /// <summary>Below a span that names the object: webhook calls, storage, etcd, CRI and containerd calls.</summary>
    Under,
    /// <summary>The request or sync a span that names the object is part of.</summary>
    Encloses,
    /// <summary>
    /// In another trace, joined by a span link: out (the client's call a request about the object links to) or
    /// in (a request whose span links to a span on the timeline, such as kubelet's GET of the pod's config map).
    /// </summary>
    Link,
}

/// <summary>One span on the timeline.</summary>
public sealed record TimelineEntry(
    long StartUnixNano,
    long DurationNanos,
    string Component,
    string? Host,
    string Operation,
    string SpanName,
    string TraceId,
    string SpanId,
    int Depth,
    string Status,
    bool Error,
    TimelineRelation Relation,
    string How,
    string? AuditId)
{
    /// <summary>The sampled trace behind the entry, and what it stands for (set when the analysis reports).</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>
/// Everything that touched one object, across traces and components, in time order; <see cref="Traces"/> are
/// the traces it spans, in the order they first appear, each with why it is included.
/// </summary>
public sealed record ObjectTimeline(
    string Object,
    string? Namespace,
    string? Name,
    string? Uid,
    IReadOnlyList<TimelineTrace> Traces,
    IReadOnlyList<TimelineEntry> Entries,
    IReadOnlyList<string> Notes)
{
    /// <summary>How many sampled traces the timeline rests on (set when the analysis reports).</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;

    /// <summary>This timeline with each entry's sample and the summary, at <paramref name="samples"/>' rates.</summary>
    public ObjectTimeline WithSamples(RowSamples samples)
    {
        var byTrace = Traces.ToDictionary(t => t.TraceId, t => samples.OfTraces([t.Sampling]), StringComparer.Ordinal);
        var entries = Entries.Select(e => e with { Sample = byTrace[e.TraceId] }).ToList();
        return this with
        {
            Entries = entries,
            Sampling = SamplingSummary.Of(SamplingSummary.TracesUnit, samples.OfTraces(Traces.Select(t => t.Sampling)), entries.Select(e => e.Sample).ToList()),
        };
    }
}

/// <summary>A trace on the timeline: found by the object's attributes, or joined by a link from or to one that was.</summary>
public sealed record TimelineTrace(string TraceId, string RootComponent, string RootOperation, bool FoundByAttribute, int Spans)
{
    /// <summary>Joined because one of its spans links to a span on the timeline (a request the object's traces made).</summary>
    public bool LinksIn { get; init; }

    /// <summary>The sampling decision the trace was kept by.</summary>
    [JsonIgnore]
    public SamplingBasis Sampling { get; init; }
}
