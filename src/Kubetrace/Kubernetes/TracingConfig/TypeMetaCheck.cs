using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// Checks <c>kind</c> and <c>apiVersion</c>: the kind must be one Kubetrace knows, and the apiVersion one that exists
/// for that kind — and, when the Kubernetes release is known, one that release reads.
/// </summary>
public static class TypeMetaCheck
{
    /// <returns>The kind and apiVersion when both are right, else nulls (after reporting why).</returns>
    public static (string? Kind, string? ApiVersion) Check(YamlMappingNode root, KubernetesVersion? version, ConfigDiagnostics diagnostics)
    {
        var kind = ReadKind(root, diagnostics);
        if (kind is null) return (null, null);
        var versions = KubernetesKinds.VersionsOf(kind)!;
        var known = versions.Select(v => v.Name).ToList();
        if (!YamlNodes.TryGetChild(root, "apiVersion", out _, out var node) || YamlNodes.IsNull(node))
        {
            YamlNodes.TryGetChild(root, "kind", out var kindKey, out _);
            diagnostics.Error(kindKey, "apiVersion", $"apiVersion is missing; {kind} is read as {string.Join(", ", known)}");
            return (kind, null);
        }
        var apiVersion = (node as YamlScalarNode)?.Value ?? "";
        var match = versions.FirstOrDefault(v => v.Name == apiVersion);
        if (match is null)
        {
            diagnostics.Error(node, "apiVersion",
                $"\"{apiVersion}\" is not an apiVersion of {kind}{KeySuggestion.DidYouMean(apiVersion, known)} (known: {string.Join(", ", known)})");
            return (kind, null);
        }
        if (version is { } release && !match.ExistsIn(release))
        {
            var readable = versions.Where(v => v.ExistsIn(release)).Select(v => v.Name).ToList();
            var instead = readable.Count == 0 ? $"Kubernetes {release} has no {kind}" : $"Kubernetes {release} reads {string.Join(", ", readable)}";
            diagnostics.Error(node, "apiVersion", $"{apiVersion} exists from Kubernetes {match.Since}; {instead}");
            return (kind, null);
        }
        return (kind, apiVersion);
    }

    private static string? ReadKind(YamlMappingNode root, ConfigDiagnostics diagnostics)
    {
        var kinds = string.Join(", ", KubernetesKinds.Names);
        if (!YamlNodes.TryGetChild(root, "kind", out _, out var node) || YamlNodes.IsNull(node))
        {
            var first = root.Children.Count > 0 ? root.Children[0].Key : root;
            diagnostics.Error(first, "kind", $"kind is missing; Kubetrace checks {kinds} (and Collector configurations, which have no kind)");
            return null;
        }
        var kind = (node as YamlScalarNode)?.Value ?? "";
        if (KubernetesKinds.VersionsOf(kind) is not null) return kind;
        diagnostics.Error(node, "kind", $"unknown kind \"{kind}\"{KeySuggestion.DidYouMean(kind, KubernetesKinds.Names)} (known: {kinds})");
        return null;
    }
}
