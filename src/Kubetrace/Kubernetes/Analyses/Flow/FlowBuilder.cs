using System.Text.RegularExpressions;
using Kubetrace.Analysis;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Semantics;
using Kubetrace.Storage;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>
/// Builds the flow of one action from the object timelines of the objects it touched: the Deployment's (its
/// writes and status), its ReplicaSet's and each pod's (create, binding, kubelet's sync with its CRI and
/// containerd calls, status). Only joins the traces allow: object names and etcd keys in the apiserver's spans,
/// <c>k8s.pod</c> and the UID on kubelet's spans, parent spans and span links; a Deployment's ReplicaSets and
/// pods are found by the names the controllers give them (<see cref="GeneratedNames"/>).
/// </summary>
public sealed class FlowBuilder(ITraceStore store, TimeRange range, int maxTraces, int maxPods, FlowRates rates)
{
    public const int DefaultMaxPods = 10;

    /// <summary>The ReplicaSets of a Deployment read at most (the most recent), to find the one an action created.</summary>
    public const int MaxReplicaSets = 5;

    private readonly FlowStepReader _reader = new(store, range);
    private readonly FlowJoins _joins = new(rates);
    private readonly List<string> _notes = [];

    public async Task<ActionFlow> BuildAsync(FlowTarget target, CancellationToken cancellationToken)
    {
        if (target.Kind != FlowTargetKind.Pod)
        {
            var deployment = await StepsOfAsync(target.Object, "deployments", null, cancellationToken).ConfigureAwait(false);
            if (deployment.Count > 0 || target.Kind == FlowTargetKind.Deployment)
                return await DeploymentAsync(target.Object, deployment, cancellationToken).ConfigureAwait(false);
        }
        return await PodAsync(target.Object, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ActionFlow> DeploymentAsync(ObjectRef deployment, List<Located> own, CancellationToken cancellationToken)
    {
        var ns = deployment.Namespace!;
        var writes = own.Where(s => s.Step.Kind == FlowStepKind.DeploymentWrite).OrderBy(s => s.Step.StartUnixNano).ToList();
        var replicaSets = await DiscoverAsync("replicasets", ns, GeneratedNames.ReplicaSetsOf(deployment.Name!), cancellationToken).ConfigureAwait(false);
        var creates = new List<(string Name, Located Create, List<Located> Steps)>();
        var rsSteps = new Dictionary<string, List<Located>>(StringComparer.Ordinal);
        foreach (var (name, _) in replicaSets.OrderByDescending(r => r.Value).Take(MaxReplicaSets))
        {
            var ofReplicaSet = await StepsOfAsync(new ObjectRef(ns, name, null), "replicasets", null, cancellationToken).ConfigureAwait(false);
            rsSteps[name] = ofReplicaSet;
            foreach (var create in ofReplicaSet.Where(s => s.Step.Kind == FlowStepKind.ReplicaSetCreate)) creates.Add((name, create, ofReplicaSet));
        }
        if (replicaSets.Count > MaxReplicaSets) _notes.Add($"{replicaSets.Count} ReplicaSets of {deployment} in the range: the {MaxReplicaSets} most recent were read");

        // The action: the last write that a ReplicaSet create followed (before the next write); else the last write.
        // It lasts until the next such write: one that changed no pod template (a scale, a label) starts no action.
        Located? action = null;
        (string Name, Located Create, List<Located> Steps)? created = null;
        var until = long.MaxValue;
        for (var i = writes.Count - 1; i >= 0 && created is null; i--)
        {
            var next = i + 1 < writes.Count ? writes[i + 1].Step.StartUnixNano : long.MaxValue;
            var followed = creates.Where(c => c.Create.Step.StartUnixNano >= writes[i].Step.StartUnixNano && c.Create.Step.StartUnixNano < next)
                .OrderBy(c => c.Create.Step.StartUnixNano).ToList();
            if (followed.Count == 0) continue;
            (action, created) = (writes[i], followed[0]);
        }
        if (created is { Create.Step.StartUnixNano: var createdAt })
        {
            var actedAt = action?.Step.StartUnixNano ?? createdAt;
            // The next action: the last write before the next ReplicaSet create (or that create, when its write was not recorded).
            until = creates.Select(c => c.Create.Step.StartUnixNano).Where(t => t > createdAt)
                .Select(t => writes.Select(w => w.Step.StartUnixNano).LastOrDefault(w => w > actedAt && w <= t, t))
                .DefaultIfEmpty(long.MaxValue).Min();
        }
        if (created is null && writes.Count == 0 && creates.Count > 0) created = creates.MaxBy(c => c.Create.Step.StartUnixNano);
        action ??= writes.LastOrDefault();
        var replicaSet = created?.Name ?? replicaSets.OrderByDescending(r => r.Value).Select(r => r.Key).FirstOrDefault();
        if (action is null) _notes.Add($"no write of {deployment} is in the range: the flow starts at its ReplicaSet");
        else if (created is null && replicaSet is not null)
            _notes.Add($"no ReplicaSet create followed the write at {HumanTime(action.Step)}: it changed no pod template (a scale, a label), or the create was " +
                       $"not recorded; the pods of the most recent ReplicaSet, {replicaSet}, are shown");

        var from = action?.Step.StartUnixNano ?? created?.Create.Step.StartUnixNano ?? long.MinValue;
        var steps = new List<Located>();
        if (action is not null) steps.Add(action);
        steps.AddRange(own.Where(s => s.Step.Kind == FlowStepKind.DeploymentStatus));
        if (replicaSet is not null) steps.AddRange(rsSteps.GetValueOrDefault(replicaSet) ?? []);
        var pods = replicaSet is null ? [] : await PodsAsync(ns, replicaSet, from, cancellationToken).ConfigureAwait(false);
        foreach (var pod in pods) steps.AddRange(await StepsOfAsync(new ObjectRef(ns, pod, null), "pods", pod, cancellationToken).ConfigureAwait(false));
        return await FlowAsync(deployment.ToString(), "Deployment", action, created?.Create, pods, steps, from, until, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ActionFlow> PodAsync(ObjectRef pod, CancellationToken cancellationToken)
    {
        var timeline = await ObjectAnalysis.AnalyseAsync(store, range, pod, "pods", maxTraces, cancellationToken).ConfigureAwait(false);
        var name = timeline.Name ?? pod.Uid ?? pod.ToString();
        var steps = await StepsOfAsync(timeline, name, cancellationToken).ConfigureAwait(false);
        var action = steps.Where(s => s.Step.Kind == FlowStepKind.PodCreate).MinBy(s => s.Step.StartUnixNano);
        var from = action?.Step.StartUnixNano ?? long.MinValue;
        if (action is null && steps.Count > 0) _notes.Add($"no create of {timeline.Object} in the range: the flow starts at its first recorded step");
        var shown = timeline.Namespace is null ? timeline.Object : timeline.Namespace + "/" + name;
        return await FlowAsync(shown, "Pod", action, null, [name], steps, from, long.MaxValue, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The flow of the steps within [from, until): kubelet's first sync per pod only (later syncs are steady state), in time order.</summary>
    private async Task<ActionFlow> FlowAsync(string shown, string kind, Located? action, Located? replicaSetCreate, IReadOnlyList<string> pods,
        List<Located> located, long from, long until, CancellationToken cancellationToken)
    {
        var inWindow = located.Where(s => s.Step.StartUnixNano >= from && s.Step.StartUnixNano < until)
            .DistinctBy(s => (s.Step.TraceId, s.Step.SpanId)).ToList();
        var firstSyncs = inWindow.Where(s => s.Step.Kind == FlowStepKind.SyncPod).GroupBy(s => s.Step.Pod)
            .Select(g => g.MinBy(s => s.Step.StartUnixNano)!.Step).ToDictionary(s => s.Pod ?? "", s => s.TraceId, StringComparer.Ordinal);
        var steps = inWindow.Select(s => s.Step)
            .Where(s => s.Kind is not (FlowStepKind.SyncPod or FlowStepKind.Cri or FlowStepKind.Containerd) || firstSyncs.GetValueOrDefault(s.Pod ?? "") == s.TraceId)
            .ToList();
        if (action is not null && await _reader.ClientOfAsync(action.Step.TraceId, action.Node, cancellationToken).ConfigureAwait(false) is { } client)
            steps.Add(client.Step);
        steps = steps.DistinctBy(s => (s.TraceId, s.SpanId)).OrderBy(s => s.StartUnixNano).ThenBy(s => s.Depth).ToList();
        var start = steps.FirstOrDefault(s => s.Kind == FlowStepKind.ClientCall) ?? action?.Step;
        var gaps = FlowGaps.Of(start, replicaSetCreate?.Step, kind == "Deployment", pods, steps, _joins);
        var traces = steps.GroupBy(s => s.TraceId).Select(g => Trace(g.Key, g.Count())).ToList();
        var missing = gaps.Where(g => g.Missing is not null).Select(g => (g.Pod is null ? "" : g.Pod + ": ") + g.Name + ": " + g.Missing).ToList();
        if (missing.Count > 0 && rates.Completeness(Requests(kind, pods.Count), pods.Count) is { } completeness) _notes.Add(completeness);
        if (steps.Count == 0) _notes.Add($"no span in the range names {shown}: apiserver requests (namespace, name, etcd key) and kubelet syncs (k8s.pod) were searched");
        return new ActionFlow(shown, kind, pods, steps, gaps, traces, missing, _notes.Distinct().ToList());
    }

    /// <summary>Root apiserver requests a whole flow makes: the write and the ReplicaSet create, and per pod its create, binding and status.</summary>
    private static int Requests(string kind, int pods) => (kind == "Deployment" ? 2 : 0) + 3 * pods;

    private FlowTrace Trace(string traceId, int steps)
    {
        var tree = _reader.Cached(traceId);
        var root = tree?.MainRoot?.Span;
        return new FlowTrace(traceId, root?.Service ?? "", root?.Name ?? "", steps)
        {
            Sampling = tree is null ? new SamplingBasis("", -1) : TraceSampling.RootBasisOf(tree.Nodes.Select(n => n.Span)),
        };
    }

    /// <summary>The pods of <paramref name="replicaSet"/> created from <paramref name="from"/> on, the first <c>maxPods</c>.</summary>
    private async Task<List<string>> PodsAsync(string ns, string replicaSet, long from, CancellationToken cancellationToken)
    {
        var found = await DiscoverAsync("pods", ns, GeneratedNames.PodsOf(replicaSet), cancellationToken).ConfigureAwait(false);
        var pods = found.Where(p => p.Value >= from).OrderBy(p => p.Value).Select(p => p.Key).ToList();
        if (pods.Count > maxPods) _notes.Add($"{replicaSet} has {pods.Count} pods in the range: the first {maxPods} are shown (--pods)");
        return pods.Take(maxPods).ToList();
    }

    /// <summary>
    /// Names matching <paramref name="pattern"/> of <paramref name="resource"/> in <paramref name="ns"/>, each with the
    /// earliest time a span names it: by etcd key (creates name only the collection), by name, and by kubelet's k8s.pod.
    /// </summary>
    private async Task<Dictionary<string, long>> DiscoverAsync(string resource, string ns, string pattern, CancellationToken cancellationToken)
    {
        var whole = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        List<Condition[]> searches =
        [
            [new Condition(AttributeScope.Span, "key", ConditionOp.Regex, "(/registry)?/" + resource + "/" + Regex.Escape(ns) + "/" + pattern)],
            [Condition.Attribute("namespace", ns, AttributeScope.Span), Condition.Attribute("resource", resource, AttributeScope.Span),
                new Condition(AttributeScope.Span, "name", ConditionOp.Regex, pattern)],
        ];
        if (resource == "pods") searches.Add([new Condition(AttributeScope.Span, "k8s.pod", ConditionOp.Regex, Regex.Escape(ns) + "/" + pattern)]);
        var names = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var conditions in searches)
        {
            var matches = await store.FetchAsync(new FetchRequest(range, conditions, AllConditions: true, maxTraces), cancellationToken).ConfigureAwait(false);
            if (matches.Count >= maxTraces) _notes.Add($"more than {maxTraces} traces name {resource} like {pattern}: the most recent {maxTraces} were read (--limit)");
            foreach (var match in matches.Take(maxTraces))
            {
                if (await _reader.TreeAsync(match.Summary.TraceId.ToString(), cancellationToken).ConfigureAwait(false) is not { } tree) continue;
                foreach (var node in tree.Nodes)
                {
                    var span = node.Span;
                    var attributes = _reader.Attributes;
                    var name = attributes.Get(span, K8sKeys.EtcdKey) is { } key ? GeneratedNames.NameInKey(key, resource, ns) : null;
                    if (name is null && attributes.Get(span, K8sKeys.Namespace) == ns
                        && (attributes.Get(span, K8sKeys.Resource) == resource || resource == "pods" && span.Service == FlowStepReader.KubeletComponent))
                        name = attributes.Get(span, K8sKeys.ObjectName);
                    if (name is null || !whole.IsMatch(name)) continue;
                    names[name] = Math.Min(names.GetValueOrDefault(name, long.MaxValue), span.StartUnixNano);
                }
            }
        }
        return names;
    }

    private async Task<List<Located>> StepsOfAsync(ObjectRef target, string resource, string? pod, CancellationToken cancellationToken)
    {
        var timeline = await ObjectAnalysis.AnalyseAsync(store, range, target, resource, maxTraces, cancellationToken).ConfigureAwait(false);
        return await StepsOfAsync(timeline, pod, cancellationToken).ConfigureAwait(false);
    }

    private async Task<List<Located>> StepsOfAsync(ObjectTimeline timeline, string? pod, CancellationToken cancellationToken)
    {
        var steps = new List<Located>();
        foreach (var entry in timeline.Entries)
            if (await _reader.StepAsync(entry, pod, cancellationToken).ConfigureAwait(false) is { } step)
                steps.Add(new Located(step.Step, step.Node));
        foreach (var note in timeline.Notes.Where(n => !n.StartsWith("no span in the range", StringComparison.Ordinal))) _notes.Add(note);
        return steps;
    }

    private static string HumanTime(FlowStep step) => Cli.Query.HumanText.Time(step.StartUnixNano);

    /// <summary>A step with the span it was read from (a request's server span), for following its client.</summary>
    private sealed record Located(FlowStep Step, SpanTree.Node Node);
}
