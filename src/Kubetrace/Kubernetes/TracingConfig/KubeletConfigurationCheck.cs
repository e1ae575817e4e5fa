using Kubetrace.Config;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// The kubelet's <c>KubeletConfiguration</c>: unknown fields anywhere in its structs, the <c>tracing</c> section's
/// values, and the <c>KubeletTracing</c> feature gate against the release. The kubelet refuses to start when
/// <c>tracing</c> is set with the gate off ("tracing should not be configured if KubeletTracing feature flag is
/// disabled"), so a missing gate is an error for 1.25 and 1.26 (alpha, off by default). When the release is not
/// given it is only a warning: from 1.27 the gate is on by default and the file is right as it is.
/// </summary>
public static class KubeletConfigurationCheck
{
    private const string Tracing = "tracing";
    private const string FeatureGates = "featureGates";

    public static void Check(YamlMappingNode root, KubernetesVersion? version, ConfigDiagnostics diagnostics)
    {
        UnknownFields.Check(root, KubeletConfigurationSchema.Schema, "", diagnostics);
        YamlNodes.TryGetChild(root, Tracing, out var tracingKey, out var tracingNode);
        var hasTracing = tracingKey is not null && !YamlNodes.IsNull(tracingNode);
        if (tracingNode is YamlMappingNode tracing) TracingFields.CheckValues(tracing, Tracing, diagnostics);
        else if (hasTracing) diagnostics.Error(tracingNode, Tracing, $"expected a mapping with endpoint and samplingRatePerMillion, got {YamlNodes.Describe(tracingNode)}");

        var (gateKey, gateValue) = ReadGate(root, diagnostics);
        CheckGate(version, hasTracing ? tracingKey : null, gateKey, gateValue, diagnostics);
    }

    /// <summary>The KubeletTracing entry of featureGates: its key node and value (null when absent or not a boolean).</summary>
    private static (YamlNode? Key, bool? Value) ReadGate(YamlMappingNode root, ConfigDiagnostics diagnostics)
    {
        var name = KubernetesTracingReleases.KubeletTracing.Name;
        if (!YamlNodes.TryGetChild(root, FeatureGates, out _, out var gates) || gates is not YamlMappingNode mapping) return (null, null);
        if (!YamlNodes.TryGetChild(mapping, name, out var key, out var value)) return (null, null);
        var path = KeyPath.Join(FeatureGates, name);
        if (value is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: var text }
            && bool.TryParse(text, out var enabled))
            return (key, enabled);
        diagnostics.Error(value, path, $"expected true or false, got {YamlNodes.Describe(value)}");
        return (key, null);
    }

    private static void CheckGate(KubernetesVersion? version, YamlNode? tracingKey, YamlNode? gateKey, bool? gate, ConfigDiagnostics diagnostics)
    {
        var feature = KubernetesTracingReleases.KubeletTracing;
        var gatePath = KeyPath.Join(FeatureGates, feature.Name);
        var stage = version is { } release ? feature.StageIn(release) : (FeatureStage?)null;
        if (stage == FeatureStage.Absent)
        {
            if (tracingKey is not null)
                diagnostics.Error(tracingKey, Tracing, $"the kubelet of Kubernetes {version} has no tracing; it arrived in {feature.Alpha} (alpha)");
            if (gateKey is not null)
                diagnostics.Error(gateKey, gatePath, $"Kubernetes {version} has no feature gate {feature.Name} (the kubelet refuses unknown gates)");
            return;
        }
        if (gate == false)
        {
            if (stage == FeatureStage.GA)
                diagnostics.Error(gateKey, gatePath, $"{feature.Name} is GA in Kubernetes {version} and cannot be turned off; remove the gate");
            else if (tracingKey is not null)
                diagnostics.Error(gateKey, gatePath, $"{feature.Name}: false turns kubelet tracing off, and the kubelet then refuses the tracing section");
            return;
        }
        if (gate == true)
        {
            if (stage == FeatureStage.GA)
                diagnostics.Warning(gateKey, gatePath, $"{feature.Name} is GA in Kubernetes {version}: setting it is deprecated, and the kubelet will refuse it once the gate is removed");
            else if (tracingKey is null)
                diagnostics.Warning(gateKey, gatePath, $"{feature.Name} is enabled but there is no tracing section, so the kubelet sends no traces");
            return;
        }
        if (tracingKey is null || gateKey is not null) return; // the gate is present but not a boolean: reported already
        var needs = $"featureGates: {{{feature.Name}: true}}";
        if (stage == FeatureStage.Alpha)
            diagnostics.Error(tracingKey, Tracing, $"Kubernetes {version} needs {needs} for kubelet tracing ({feature.Name} is alpha, off by default, until {feature.Beta}); without it the kubelet refuses the tracing section");
        else if (stage is null)
            diagnostics.Warning(tracingKey, Tracing, $"Kubernetes {feature.Alpha} and {feature.Alpha.Major}.{feature.Alpha.Minor + 1} need {needs} ({feature.Name} is on by default from {feature.Beta}); give --kubernetes-version to check for your release");
    }
}
