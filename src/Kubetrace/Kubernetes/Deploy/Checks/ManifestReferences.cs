using k8s.Models;

namespace Kubetrace.Kubernetes.Deploy.Checks;

/// <summary>
/// What one object of a manifest file names in another must exist in the same file: the ConfigMaps, Secrets,
/// claims and ServiceAccount a pod uses, the ports its probes, Services and NetworkPolicies name, the pods a
/// selector selects, a StatefulSet's Service. Objects expected from elsewhere (the <c>default</c> ServiceAccount,
/// an <c>optional</c> ConfigMap, and a Secret or ConfigMap the pod template declares as made by the user in its
/// <c>kubetrace/user-provided</c> annotation) are not required.
/// </summary>
public static class ManifestReferences
{
    public static IEnumerable<(ManifestDocument Document, string Path, string Message)> Problems(IReadOnlyList<ManifestDocument> documents)
    {
        bool Exists(string kind, string? ns, string name) =>
            documents.Any(d => d.Kind == kind && d.Name == name && (d.Namespace ?? "default") == (ns ?? "default"));
        var pods = documents.Select(WorkloadPod.Of).OfType<WorkloadPod>().ToList();

        foreach (var pod in pods)
        {
            var doc = pod.Document;
            var ns = doc.Namespace;
            var spec = pod.Spec;
            var userProvided = pod.UserProvided;
            // A ConfigMap or Secret the pod names: in this file, or declared as the user's; anything else is a mistake.
            string? Missing(string kind, string name) =>
                Exists(kind, ns, name) || userProvided.Contains($"{kind}/{name}") ? null
                    : $"{kind} {name} is neither in this file nor declared as made by the user " +
                      $"(pod template annotation {WorkloadPod.UserProvidedAnnotation}: \"{kind}/{name}\")";
            if (spec.ServiceAccountName is { } account && account != "default" && !Exists("ServiceAccount", ns, account))
                yield return (doc, $"{pod.Path}::serviceAccountName", $"ServiceAccount {account} is not in this file");
            var volumes = (spec.Volumes ?? []).Select(v => v.Name).Concat(pod.ClaimTemplates).ToHashSet();
            foreach (var (volume, i) in (spec.Volumes ?? []).Select((v, i) => (v, i)))
            {
                var at = $"{pod.Path}::volumes::{i}";
                if (volume.ConfigMap is { Optional: not true } configMap)
                {
                    var found = documents.FirstOrDefault(d => d.Kind == "ConfigMap" && d.Name == configMap.Name && d.Namespace == ns);
                    if (found is null)
                    {
                        if (Missing("ConfigMap", configMap.Name) is { } missing) yield return (doc, $"{at}::configMap::name", missing);
                    }
                    else
                    {
                        var keys = ((V1ConfigMap)found.Model!).Data?.Keys ?? [];
                        foreach (var item in configMap.Items ?? [])
                        {
                            if (!keys.Contains(item.Key)) yield return (doc, $"{at}::configMap::items", $"ConfigMap {configMap.Name} has no key {item.Key}");
                        }
                    }
                }
                if (volume.Secret is { Optional: not true } secret && Missing("Secret", secret.SecretName) is { } missingSecret)
                    yield return (doc, $"{at}::secret::secretName", missingSecret);
                foreach (var (source, j) in (volume.Projected?.Sources ?? []).Select((x, j) => (x, j)))
                {
                    if (source.Secret is { Optional: not true } projectedSecret && Missing("Secret", projectedSecret.Name) is { } m1)
                        yield return (doc, $"{at}::projected::sources::{j}::secret::name", m1);
                    if (source.ConfigMap is { Optional: not true } projectedMap && Missing("ConfigMap", projectedMap.Name) is { } m2)
                        yield return (doc, $"{at}::projected::sources::{j}::configMap::name", m2);
                }
                if (volume.PersistentVolumeClaim is { } claim && !Exists("PersistentVolumeClaim", ns, claim.ClaimName))
                    yield return (doc, $"{at}::persistentVolumeClaim::claimName", $"PersistentVolumeClaim {claim.ClaimName} is not in this file");
            }
            foreach (var (container, c) in (spec.InitContainers ?? []).Concat(spec.Containers ?? []).Select((x, i) => (x, i)))
            {
                var at = $"{pod.Path}::{(c < (spec.InitContainers?.Count ?? 0) ? "initContainers" : "containers")}";
                foreach (var mount in container.VolumeMounts ?? [])
                {
                    if (!volumes.Contains(mount.Name)) yield return (doc, at, $"container {container.Name} mounts volume {mount.Name}, which the pod does not declare");
                }
                foreach (var env in container.Env ?? [])
                {
                    if (env.ValueFrom?.ConfigMapKeyRef is { Optional: not true } cm && Missing("ConfigMap", cm.Name) is { } m1)
                        yield return (doc, at, $"container {container.Name}: env {env.Name}: {m1}");
                    if (env.ValueFrom?.SecretKeyRef is { Optional: not true } sk && Missing("Secret", sk.Name) is { } m2)
                        yield return (doc, at, $"container {container.Name}: env {env.Name}: {m2}");
                }
                foreach (var from in container.EnvFrom ?? [])
                {
                    if (from.ConfigMapRef is { Optional: not true } cm && Missing("ConfigMap", cm.Name) is { } m1)
                        yield return (doc, at, $"container {container.Name}: envFrom: {m1}");
                    if (from.SecretRef is { Optional: not true } sr && Missing("Secret", sr.Name) is { } m2)
                        yield return (doc, at, $"container {container.Name}: envFrom: {m2}");
                }
                var names = (container.Ports ?? []).Select(p => p.Name).OfType<string>().ToHashSet();
                foreach (var (probe, kind) in new[] { (container.LivenessProbe, "livenessProbe"), (container.ReadinessProbe, "readinessProbe"), (container.StartupProbe, "startupProbe") })
                {
                    var port = probe?.HttpGet?.Port ?? probe?.TcpSocket?.Port;
                    if (port?.Value is { } value && !int.TryParse(value, out _) && !names.Contains(value))
                        yield return (doc, at, $"container {container.Name}: {kind} uses port {value}, which the container does not name");
                }
            }
        }

        foreach (var doc in documents)
        {
            var ns = doc.Namespace;
            var inNamespace = pods.Where(p => p.Document.Namespace == ns).ToList();
            switch (doc.Model)
            {
                case V1Service service when service.Spec?.Selector is { Count: > 0 } selector:
                    var selected = inNamespace.Where(p => p.IsSelectedBy(selector)).ToList();
                    if (selected.Count == 0) { yield return (doc, "spec::selector", "selects no pod of this file"); break; }
                    foreach (var (port, i) in (service.Spec.Ports ?? []).Select((p, i) => (p, i)))
                    {
                        if (!selected.Any(p => HasPort(p, port.TargetPort?.Value ?? port.Port.ToString())))
                            yield return (doc, $"spec::ports::{i}::targetPort", $"port {port.TargetPort?.Value ?? port.Port.ToString()} is not a port of the pods it selects");
                    }
                    break;
                case V1StatefulSet statefulSet when statefulSet.Spec.ServiceName is { Length: > 0 } serviceName && !Exists("Service", ns, serviceName):
                    yield return (doc, "spec::serviceName", $"Service {serviceName} is not in this file");
                    break;
                case V1PodDisruptionBudget budget when !inNamespace.Any(p => p.IsSelectedBy(budget.Spec?.Selector?.MatchLabels)):
                    yield return (doc, "spec::selector", "selects no pod of this file");
                    break;
                case V1NetworkPolicy policy:
                    var targets = inNamespace.Where(p => p.IsSelectedBy(policy.Spec.PodSelector?.MatchLabels)).ToList();
                    if (targets.Count == 0) { yield return (doc, "spec::podSelector", "selects no pod of this file"); break; }
                    foreach (var (rule, r) in (policy.Spec.Ingress ?? []).Select((x, i) => (x, i)))
                    {
                        foreach (var (port, i) in (rule.Ports ?? []).Select((x, i) => (x, i)))
                        {
                            if (port.Port?.Value is { } value && !int.TryParse(value, out _) && !targets.Any(p => HasPort(p, value)))
                                yield return (doc, $"spec::ingress::{r}::ports::{i}::port", $"port {value} is not a port of the pods it selects");
                        }
                    }
                    break;
            }
        }
    }

    private static bool HasPort(WorkloadPod pod, string nameOrNumber) =>
        pod.Ports.Any(p => p.Name == nameOrNumber || p.ContainerPort.ToString() == nameOrNumber);
}
