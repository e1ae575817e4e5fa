using Kubetrace.Api;
using Kubetrace.Kubernetes.Analyses.Objects;

namespace Kubetrace.Kubernetes.Analyses.Flow;

/// <summary>What a flow starts from: a Deployment, one pod, or either (the Deployment when spans name one).</summary>
public enum FlowTargetKind { Auto, Deployment, Pod }

/// <summary>
/// The object a flow is about, as the user names it: <c>deployment/namespace/name</c>, <c>pod/namespace/name</c>,
/// <c>namespace/name</c> (a Deployment if spans name one, else a pod) or a pod's UID.
/// </summary>
public sealed record FlowTarget(FlowTargetKind Kind, ObjectRef Object)
{
    public static FlowTarget Parse(string text)
    {
        text = text.Trim();
        foreach (var (prefix, kind) in Prefixes)
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var target = ObjectRef.Parse(text[prefix.Length..]);
                if (target.Namespace is null && target.Uid is null)
                    throw new BadQueryException($"object: \"{text}\": a {kind.ToString().ToLowerInvariant()} is named namespace/name");
                return new FlowTarget(kind, target);
            }
        var parsed = ObjectRef.Parse(text);
        if (parsed.Uid is not null) return new FlowTarget(FlowTargetKind.Pod, parsed);
        if (parsed.Namespace is null)
            throw new BadQueryException($"object: \"{text}\" is not namespace/name, deployment/namespace/name, pod/namespace/name or a pod UID");
        return new FlowTarget(FlowTargetKind.Auto, parsed);
    }

    private static readonly (string Prefix, FlowTargetKind Kind)[] Prefixes =
    [
        ("deployment/", FlowTargetKind.Deployment), ("deployments/", FlowTargetKind.Deployment), ("deploy/", FlowTargetKind.Deployment),
        ("pod/", FlowTargetKind.Pod), ("pods/", FlowTargetKind.Pod),
    ];
}
