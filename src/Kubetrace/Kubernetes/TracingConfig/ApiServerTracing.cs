namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>
/// kube-apiserver: a <c>TracingConfiguration</c> file loaded with <c>--tracing-config-file</c>, in the newest
/// apiVersion the release reads, plus <c>--feature-gates=APIServerTracing=true</c> while the gate is alpha (before 1.27).
/// </summary>
public static class ApiServerTracing
{
    public const string SuggestedPath = "/etc/kubernetes/tracing-config.yaml";

    public static GenerationResult Generate(TracingConfigRequest request)
    {
        var version = request.KubernetesVersion;
        var gate = KubernetesTracingReleases.ApiServerTracing;
        var apiVersion = KubernetesKinds.NewestIn(KubernetesKinds.TracingConfigurationVersions, version);
        if (gate.StageIn(version) == FeatureStage.Absent || apiVersion is null)
            return GenerationResult.Fail($"kube-apiserver {version} cannot emit traces: tracing arrived in Kubernetes {gate.Alpha} (alpha)");

        var flags = new List<string> { $"--tracing-config-file={SuggestedPath}" };
        if (gate.MustBeEnabledIn(version)) flags.Add($"--feature-gates={gate.Name}=true");
        var comments = new List<string>
        {
            $"kube-apiserver tracing for Kubernetes {version} ({gate.Name} is {Stage(gate, version)}).",
            $"Save as {SuggestedPath} on every control-plane node and start kube-apiserver with:",
        };
        comments.AddRange(flags.Select(f => "  " + f));
        if (gate.MustBeEnabledIn(version))
            comments.Add($"(if kube-apiserver already has --feature-gates, add {gate.Name}=true to its list instead).");
        comments.Add("A static Pod (kubeadm) also needs the file mounted into the kube-apiserver container.");
        comments.Add($"Samples {SamplingRate.Describe(request.SamplingRatePerMillion)} started at the apiserver; etcd, webhooks and");
        comments.Add("aggregated APIs that trace ParentBased follow its decision.");

        var body = $"""
            apiVersion: {apiVersion.Name}
            kind: {KubernetesKinds.TracingConfiguration}
            endpoint: {YamlText.Scalar(request.Endpoint)}
            samplingRatePerMillion: {request.SamplingRatePerMillion}

            """;
        return GenerationResult.Ok(new GeneratedConfig(TracedComponent.ApiServer, "yaml", comments, body, flags, []));
    }

    internal static string Stage(FeatureGate gate, KubernetesVersion version) => gate.StageIn(version) switch
    {
        FeatureStage.Alpha => "alpha, off by default: the feature gate must be enabled",
        FeatureStage.Beta => "beta, on by default",
        _ => "GA",
    };
}
