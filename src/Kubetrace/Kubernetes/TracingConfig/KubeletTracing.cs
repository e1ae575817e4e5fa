namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// kubelet: the <c>tracing</c> field of its <c>KubeletConfiguration</c> (kubelet.config.k8s.io/v1beta1), with
/// <c>featureGates: {KubeletTracing: true}</c> while the gate is alpha (1.25 and 1.26). From beta (1.27) the gate is
/// on by default and is left out; from GA (1.34) setting it only earns a deprecation warning.
/// </summary>
public static class KubeletTracing
{
    public const string KubeadmConfigPath = "/var/lib/kubelet/config.yaml";

    public static GenerationResult Generate(TracingConfigRequest request)
    {
        var version = request.KubernetesVersion;
        var gate = KubernetesTracingReleases.KubeletTracing;
        if (gate.StageIn(version) == FeatureStage.Absent)
            return GenerationResult.Fail($"the kubelet of Kubernetes {version} cannot emit traces: KubeletConfiguration has a tracing field from Kubernetes {gate.Alpha} (alpha)");

        var comments = new List<string>
        {
            $"kubelet tracing for Kubernetes {version} ({gate.Name} is {ApiServerTracing.Stage(gate, version)}).",
            $"Merge into the kubelet's configuration file (its --config; {KubeadmConfigPath} on kubeadm nodes)",
            "and restart the kubelet. It traces pod syncs, image and container calls to the runtime (CRI) and its HTTP server;",
            $"new traces are sampled at {SamplingRate.Describe(request.SamplingRatePerMillion)}, and a sampled parent is always followed.",
        };
        var gateLines = gate.MustBeEnabledIn(version) ? $"featureGates:\n  {gate.Name}: true\n" : "";
        var body = $"""
            apiVersion: {KubernetesKinds.KubeletConfigurationVersions[0].Name}
            kind: {KubernetesKinds.KubeletConfiguration}
            {gateLines}tracing:
              endpoint: {YamlText.Scalar(request.Endpoint)}
              samplingRatePerMillion: {request.SamplingRatePerMillion}

            """;
        return GenerationResult.Ok(new GeneratedConfig(TracedComponent.Kubelet, "yaml", comments, body, [], []));
    }
}
