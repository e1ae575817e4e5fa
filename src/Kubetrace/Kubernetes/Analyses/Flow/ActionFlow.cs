using System.Text.Json.Serialization;
using Kubetrace.Analysis.Sampling;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>What a step of an action's flow is: the sequence of Kubernetes' start-up of a Deployment's pods.</summary>
public enum FlowStepKind
{
    /// <summary>The client's own span around its request (a traced client: otelhttp's <c>HTTP PATCH</c>).</summary>
    ClientCall,
    /// <summary>The apiserver request that wrote the Deployment (create, update, patch, apply).</summary>
    DeploymentWrite,
    /// <summary>The deployment controller's create of the ReplicaSet.</summary>
    ReplicaSetCreate,
    /// <summary>The replicaset controller's create of a pod (or the client's, for a bare pod).</summary>
    PodCreate,
    /// <summary>The scheduler's <c>pods/binding</c> create.</summary>
    Binding,
    /// <summary>The kubelet's <c>syncPod</c> of the new pod.</summary>
    SyncPod,
    /// <summary>A CRI call of the sync (<c>RunPodSandbox</c>, <c>PullImage</c>, <c>CreateContainer</c>, <c>StartContainer</c>, ...).</summary>
    Cri,
    /// <summary>containerd's span under a CRI call (its server span and what it did).</summary>
    Containerd,
    /// <summary>The kubelet's status manager's <c>pods/status</c> patch.</summary>
    PodStatus,
    /// <summary>The replicaset controller's <c>replicasets/status</c> update.</summary>
    ReplicaSetStatus,
    /// <summary>The deployment controller's <c>deployments/status</c> update.</summary>
    DeploymentStatus,
}

/// <summary>
/// One step of the flow: a span of some trace, on the flow's one time axis. <see cref="Pod"/> names the pod the
/// step is for (null for the Deployment's and ReplicaSet's steps); <see cref="Caller"/> who sent an apiserver
/// request (from its user agent); <see cref="JoinedBy"/> what in the span ties it to the action.
/// </summary>
public sealed record FlowStep(
    FlowStepKind Kind,
    string? Pod,
    string Component,
    string? Caller,
    string Operation,
    long StartUnixNano,
    long DurationNanos,
    string TraceId,
    string SpanId,
    int Depth,
    bool Error,
    string JoinedBy)
{
    public long EndUnixNano => StartUnixNano + DurationNanos;

    /// <summary>For a CRI call, the part of the start-up it measures (sandbox, image pull, create, start).</summary>
    public Pods.CriPhase? Phase { get; init; }

    /// <summary>The sampled trace behind the step, and what it stands for (set when the analysis reports).</summary>
    public RowSample Sample { get; init; } = RowSample.None;
}

/// <summary>
/// The time between two steps (or a phase the runtime measures), named: <c>deployment controller queueing</c>,
/// <c>scheduling delay</c>, <c>image pull</c>, ... Null <see cref="Nanos"/> when a step it needs is missing;
/// <see cref="Missing"/> then says which and why.
/// </summary>
public sealed record FlowGap(string Name, string? Pod, string From, string To, long? Nanos, string Meaning)
{
    /// <summary>Why the gap cannot be measured: the step that is missing and why it may be.</summary>
    public string? Missing { get; init; }

    /// <summary>The span the gap ends at (the step it precedes), for drawing; null for a phase or when missing.</summary>
    public string? ToSpanId { get; init; }

    /// <summary>Where the gap starts and ends on the time axis, when measured.</summary>
    public long? StartUnixNano { get; init; }
}

/// <summary>A trace the flow's steps come from, with the component whose sampler decided to keep it (its root's).</summary>
public sealed record FlowTrace(string TraceId, string RootComponent, string RootOperation, int Steps)
{
    /// <summary>The sampling decision the trace was kept by.</summary>
    [JsonIgnore]
    public SamplingBasis Sampling { get; init; }
}

/// <summary>
/// Everything that followed one action (a Deployment written, or one pod created), across traces and components,
/// on one time axis: the steps in time order, the gaps between them named and measured, and where the traces do
/// not allow a join (a component that does not trace, a step not sampled).
/// </summary>
public sealed record ActionFlow(
    string Object,
    string Kind,
    IReadOnlyList<string> Pods,
    IReadOnlyList<FlowStep> Steps,
    IReadOnlyList<FlowGap> Gaps,
    IReadOnlyList<FlowTrace> Traces,
    IReadOnlyList<string> Missing,
    IReadOnlyList<string> Notes)
{
    public long StartUnixNano => Steps.Count == 0 ? 0 : Steps.Min(s => s.StartUnixNano);

    public long EndUnixNano => Steps.Count == 0 ? 0 : Steps.Max(s => s.EndUnixNano);

    /// <summary>How many sampled traces the flow rests on (set when the analysis reports).</summary>
    public SamplingSummary Sampling { get; init; } = SamplingSummary.None;

    /// <summary>This flow with each step's sample (its trace's) and the summary, at <paramref name="samples"/>' rates.</summary>
    public ActionFlow WithSamples(RowSamples samples)
    {
        var byTrace = Traces.ToDictionary(t => t.TraceId, t => samples.OfTraces([t.Sampling]), StringComparer.Ordinal);
        var steps = Steps.Select(s => s with { Sample = byTrace[s.TraceId] }).ToList();
        return this with
        {
            Steps = steps,
            Sampling = SamplingSummary.Of(SamplingSummary.TracesUnit, samples.OfTraces(Traces.Select(t => t.Sampling)), steps.Select(s => s.Sample).ToList()),
        };
    }

    /// <summary>The gap named <paramref name="name"/> of <paramref name="pod"/> (null: the flow's own).</summary>
    public FlowGap? Gap(string name, string? pod = null) => Gaps.FirstOrDefault(g => g.Name == name && g.Pod == pod);
}
