using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>kube-apiserver's <c>--tracing-config-file</c> (kind TracingConfiguration).</summary>
public static class ApiServerTracingFileCheck
{
    public static void Check(YamlMappingNode root, KubernetesVersion? version, ConfigDiagnostics diagnostics)
    {
        UnknownFields.Check(root, TracingFields.FileSchema, "", diagnostics);
        TracingFields.CheckValues(root, "", diagnostics);
        var gate = KubernetesTracingReleases.ApiServerTracing;
        if (version is { } release && gate.MustBeEnabledIn(release))
        {
            YamlNodes.TryGetChild(root, "kind", out _, out var kind);
            diagnostics.Warning(kind, "kind",
                $"Kubernetes {release} also needs kube-apiserver --feature-gates={gate.Name}=true (alpha until {gate.Beta}); a file cannot set it");
        }
    }
}
