using k8s.Models;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>The pod template of a workload object, with where it sits in the document.</summary>
/// <param name="ClaimTemplates">A StatefulSet's volumeClaimTemplates, which its containers mount by name.</param>
public sealed record WorkloadPod(ManifestDocument Document, V1PodSpec Spec, IDictionary<string, string> Labels, string Path, IReadOnlyList<string> ClaimTemplates,
    IDictionary<string, string> Annotations)
{
    public static WorkloadPod? Of(ManifestDocument document) => document.Model switch
    {
        V1Pod pod => new(document, pod.Spec, pod.Metadata?.Labels ?? new Dictionary<string, string>(), "spec", [], pod.Metadata?.Annotations ?? new Dictionary<string, string>()),
        V1Deployment d => FromTemplate(document, d.Spec.Template, []),
        V1DaemonSet d => FromTemplate(document, d.Spec.Template, []),
        V1ReplicaSet r => FromTemplate(document, r.Spec.Template, []),
        V1StatefulSet s => FromTemplate(document, s.Spec.Template, (s.Spec.VolumeClaimTemplates ?? []).Select(t => t.Metadata?.Name ?? "").ToList()),
        V1Job j => FromTemplate(document, j.Spec.Template, []),
        V1CronJob c => new(document, c.Spec.JobTemplate.Spec.Template.Spec, c.Spec.JobTemplate.Spec.Template.Metadata?.Labels ?? new Dictionary<string, string>(),
            "spec::jobTemplate::spec::template::spec", [], c.Spec.JobTemplate.Spec.Template.Metadata?.Annotations ?? new Dictionary<string, string>()),
        _ => null,
    };

    /// <summary>True when every label of <paramref name="selector"/> is on this pod (an empty selector selects every pod).</summary>
    public bool IsSelectedBy(IDictionary<string, string>? selector) =>
        (selector ?? new Dictionary<string, string>()).All(label => Labels.TryGetValue(label.Key, out var value) && value == label.Value);

    /// <summary>
    /// The objects the pod template declares as made by the user, not by this file (<c>kubetrace/user-provided:
    /// "Secret/tls,ConfigMap/keys"</c>), as <c>Kind/name</c>.
    /// </summary>
    public IReadOnlySet<string> UserProvided =>
        (Annotations.TryGetValue(UserProvidedAnnotation, out var list) ? list : "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);

    public const string UserProvidedAnnotation = "kubetrace/user-provided";

    public IEnumerable<V1ContainerPort> Ports =>
        (Spec.Containers ?? []).SelectMany(c => c.Ports ?? []);

    private static WorkloadPod FromTemplate(ManifestDocument document, V1PodTemplateSpec template, IReadOnlyList<string> claims) =>
        new(document, template.Spec, template.Metadata?.Labels ?? new Dictionary<string, string>(), "spec::template::spec", claims,
            template.Metadata?.Annotations ?? new Dictionary<string, string>());
}
