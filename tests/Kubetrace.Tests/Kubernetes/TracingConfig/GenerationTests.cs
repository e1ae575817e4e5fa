using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary>
/// <c>kubetrace k8s tracing-config</c> for each component and release: the exact apiVersion, flags and sections the
/// upstream documentation gives for that release (docs/kubernetes-config.md links each), and the YAML it prints
/// passes <c>kubetrace validate</c> for the same release.
/// </summary>
public class GenerationTests
{
    private static GeneratedConfig Generate(TracedComponent component, string kubernetes, int rate = 100, string? etcd = null, string? containerd = null)
    {
        var result = TracingConfigGenerator.Generate(Request(component, kubernetes, rate, etcd, containerd));
        Assert.True(result.Config is not null, result.Error);
        return result.Config;
    }

    private static TracingConfigRequest Request(TracedComponent component, string kubernetes, int rate = 100, string? etcd = null, string? containerd = null)
    {
        Assert.True(KubernetesVersion.TryParse(kubernetes, out var version));
        ComponentVersion? etcdVersion = etcd is null ? null : ComponentVersion.TryParse(etcd, out var e) ? e : throw new ArgumentException(etcd);
        ComponentVersion? containerdVersion = containerd is null ? null : ComponentVersion.TryParse(containerd, out var c) ? c : throw new ArgumentException(containerd);
        return new TracingConfigRequest(component, "collector.observability:4317", rate, version.Value, etcdVersion, containerdVersion);
    }

    /// <summary>The printed file, checked as <c>kubetrace validate --kubernetes-version</c> checks it.</summary>
    private static ComponentConfigValidation ValidateRendered(GeneratedConfig config, string kubernetes)
    {
        Assert.True(KubernetesVersion.TryParse(kubernetes, out var version));
        return KubernetesConfigValidator.Validate(config.Render(), "generated.yaml", version);
    }

    [Theory]
    [InlineData("1.22", "apiserver.config.k8s.io/v1alpha1", true)]
    [InlineData("1.25", "apiserver.config.k8s.io/v1alpha1", true)]
    [InlineData("1.26", "apiserver.config.k8s.io/v1alpha1", true)] // v1beta1's first attempt was reverted before 1.26
    [InlineData("1.27", "apiserver.config.k8s.io/v1beta1", false)]
    [InlineData("1.33", "apiserver.config.k8s.io/v1beta1", false)]
    [InlineData("1.34", "apiserver.config.k8s.io/v1", false)]
    [InlineData("1.36", "apiserver.config.k8s.io/v1", false)]
    public void Apiserver_gets_the_newest_apiVersion_of_its_release_and_the_feature_gate_while_it_is_alpha(string kubernetes, string apiVersion, bool needsGate)
    {
        var config = Generate(TracedComponent.ApiServer, kubernetes);

        Assert.Equal($"""
            apiVersion: {apiVersion}
            kind: TracingConfiguration
            endpoint: collector.observability:4317
            samplingRatePerMillion: 100

            """, config.Body);
        string[] flags = needsGate
            ? ["--tracing-config-file=/etc/kubernetes/tracing-config.yaml", "--feature-gates=APIServerTracing=true"]
            : ["--tracing-config-file=/etc/kubernetes/tracing-config.yaml"];
        Assert.Equal(flags, config.Flags);
        Assert.All(flags, flag => Assert.Contains("#   " + flag, config.Render()));
        var validation = ValidateRendered(config, kubernetes);
        Assert.Empty(validation.Errors);
        Assert.Equal(apiVersion, validation.Version);
        // Before beta the file is right but not enough: validate says the flag is needed too.
        Assert.Equal(needsGate ? 1 : 0, validation.Warnings.Count);
    }

    [Theory]
    [InlineData("1.25", true)]
    [InlineData("1.26", true)]
    [InlineData("1.27", false)]
    [InlineData("1.31", false)]
    [InlineData("1.34", false)]
    [InlineData("1.36", false)]
    public void Kubelet_gets_a_tracing_section_and_the_KubeletTracing_gate_only_while_it_is_alpha(string kubernetes, bool needsGate)
    {
        var config = Generate(TracedComponent.Kubelet, kubernetes, rate: 250);

        var gate = needsGate ? "featureGates:\n  KubeletTracing: true\n" : "";
        Assert.Equal($"""
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            {gate}tracing:
              endpoint: collector.observability:4317
              samplingRatePerMillion: 250

            """, config.Body);
        Assert.Empty(config.Flags);
        var validation = ValidateRendered(config, kubernetes);
        Assert.Empty(validation.Errors);
        Assert.Empty(validation.Warnings);
        Assert.Equal("KubeletConfiguration", validation.Kind);
    }

    [Theory]
    [InlineData("3.5", "experimental-")]
    [InlineData("3.6", "")]
    [InlineData("3.7", "")]
    public void Etcd_35_gets_the_experimental_flags_and_36_on_the_unprefixed_ones(string etcd, string prefix)
    {
        var config = Generate(TracedComponent.Etcd, "1.33", rate: 0, etcd: etcd);

        Assert.Equal(
            [
                $"--{prefix}enable-distributed-tracing=true",
                $"--{prefix}distributed-tracing-address=collector.observability:4317",
                $"--{prefix}distributed-tracing-service-name=etcd",
            ],
            config.Flags);
        Assert.Equal(string.Concat(config.Flags.Select(f => f + "\n")), config.Body);
        Assert.Contains(new KeyValuePair<string, string>($"ETCD_{prefix.ToUpperInvariant().Replace('-', '_')}DISTRIBUTED_TRACING_SERVICE_NAME", "etcd"), config.Environment);
        // Every line of the printed file is a comment or a flag, so it can be pasted into a manifest's command.
        Assert.All(config.Render().TrimEnd('\n').Split('\n'), line => Assert.True(line.StartsWith('#') || line.StartsWith("--"), line));
        Assert.True(EtcdFlagsCheck.IsEtcdFlagsFile(config.Render()));
        var validation = EtcdFlagsCheck.Validate(config.Render(), "etcd.flags", ComponentVersion.TryParse(etcd, out var release) ? release : null);
        Assert.Empty(validation.Errors);
        Assert.Empty(validation.Warnings);
    }

    [Theory]
    [InlineData("3.5.3", "ParentBased(AlwaysOn)")] // v3.5.4 server/embed/etcd.go:845: no sampler set
    [InlineData("3.5.4", "ParentBased(AlwaysOn)")]
    [InlineData("3.5.5", "ParentBased(NeverSample)")] // v3.5.5 server/embed/config_tracing.go:67
    [InlineData("3.5.10", "ParentBased(NeverSample)")]
    public void Etcd_before_3_5_11_gets_no_sampling_rate_flag_and_is_told_how_it_samples(string etcd, string sampler)
    {
        var config = Generate(TracedComponent.Etcd, "1.30", rate: 100, etcd: etcd);

        Assert.DoesNotContain(config.Flags, f => f.Contains("sampling-rate", StringComparison.Ordinal));
        Assert.Contains(config.Comments, c => c.Contains($"etcd {etcd} has no sampling-rate flag and samples {sampler}", StringComparison.Ordinal));
        var validation = EtcdFlagsCheck.Validate(config.Render(), "etcd.flags", ComponentVersion.TryParse(etcd, out var release) ? release : null);
        Assert.Empty(validation.Errors);
    }

    [Theory]
    [InlineData("3.5.11")] // v3.5.11 server/etcdmain/config.go:279
    [InlineData("3.5")] // no patch: the latest 3.5
    public void Etcd_from_3_5_11_gets_the_sampling_rate_flag(string etcd)
    {
        var config = Generate(TracedComponent.Etcd, "1.30", rate: 100, etcd: etcd);

        Assert.Contains("--experimental-distributed-tracing-sampling-rate=100", config.Flags);
    }

    [Theory]
    [InlineData("1.33", "experimental-")]
    [InlineData("1.34", "")]
    public void Etcd_defaults_to_the_minor_kubeadm_deploys_with_the_kubernetes_release(string kubernetes, string prefix)
    {
        var config = Generate(TracedComponent.Etcd, kubernetes);

        Assert.Equal($"--{prefix}enable-distributed-tracing=true", config.Flags[0]);
    }

    [Fact]
    public void Containerd_16_gets_both_plugin_sections_and_the_kubelets_rate_because_it_does_not_follow_parents()
    {
        var config = Generate(TracedComponent.Containerd, "1.27", rate: 100, containerd: "1.6");

        Assert.Equal("""
            version = 2

            [plugins."io.containerd.tracing.processor.v1.otlp"]
              endpoint = "collector.observability:4317"
              protocol = "grpc"
              insecure = true

            [plugins."io.containerd.internal.v1.tracing"]
              sampling_ratio = 0.0001
              service_name = "containerd"

            """, config.Body);
        // containerd 1.6.32+ read only OTEL_* (tracing/plugin/otlp.go at v1.6.33): the environment comes too.
        Assert.Contains(new KeyValuePair<string, string>("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317"), config.Environment);
        Assert.Contains("1.6.32+ read only these environment variables", config.Render());
        Assert.Contains("not ParentBased", config.Render());
        AssertValidToml(config);
    }

    private static void AssertValidToml(GeneratedConfig config)
    {
        var validation = ContainerdConfigCheck.Validate(config.Render(), "config.toml");
        Assert.Empty(validation.Errors);
        Assert.Empty(validation.Warnings);
        Assert.True(validation.IsValid);
    }

    [Fact]
    public void Containerd_17_gets_the_same_sections_and_the_OTEL_environment_of_1_7_16()
    {
        var config = Generate(TracedComponent.Containerd, "1.31", rate: 1_000_000, containerd: "1.7");

        Assert.Contains("[plugins.\"io.containerd.tracing.processor.v1.otlp\"]", config.Body);
        Assert.Contains("[plugins.\"io.containerd.internal.v1.tracing\"]", config.Body);
        Assert.Contains("  sampling_ratio = 1.0\n", config.Body);
        Assert.Equal(
            [
                new("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector.observability:4317"),
                new("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                new("OTEL_SERVICE_NAME", "containerd"),
                new("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                new("OTEL_TRACES_SAMPLER_ARG", "1.0"),
            ],
            config.Environment);
        Assert.Contains("#   Environment=\"OTEL_TRACES_SAMPLER=parentbased_traceidratio\"", config.Render());
        AssertValidToml(config);
    }

    [Theory]
    [InlineData(TracedComponent.ApiServer, "1.21", null, null, "kube-apiserver 1.21 cannot emit traces: tracing arrived in Kubernetes 1.22 (alpha)")]
    [InlineData(TracedComponent.Kubelet, "1.24", null, null, "the kubelet of Kubernetes 1.24 cannot emit traces: KubeletConfiguration has a tracing field from Kubernetes 1.25 (alpha)")]
    [InlineData(TracedComponent.Etcd, "1.30", "3.4", null, "etcd 3.4 cannot emit traces: distributed tracing arrived in etcd 3.5")]
    [InlineData(TracedComponent.Etcd, "1.30", "3.8", null, "etcd 3.8 is newer than the releases this kubetrace knows (3.5 to 3.7)")]
    [InlineData(TracedComponent.Containerd, "1.30", null, "1.5", "containerd 1.5 cannot emit traces: OpenTelemetry tracing arrived in containerd 1.6")]
    public void Releases_without_tracing_get_a_clear_error(TracedComponent component, string kubernetes, string? etcd, string? containerd, string error)
    {
        var result = TracingConfigGenerator.Generate(Request(component, kubernetes, etcd: etcd, containerd: containerd));

        Assert.Null(result.Config);
        Assert.Equal(error, result.Error);
    }

    [Theory]
    [InlineData("[::1]:4317", "endpoint: \"[::1]:4317\"")]
    [InlineData("dns:///collector:4317", "endpoint: dns:///collector:4317")]
    public void Endpoints_that_yaml_would_misread_are_quoted(string endpoint, string line)
    {
        var request = Request(TracedComponent.ApiServer, "1.34") with { Endpoint = endpoint };

        var config = TracingConfigGenerator.Generate(request).Config!;

        Assert.Contains(line + "\n", config.Body);
        Assert.Empty(KubernetesConfigValidator.Validate(config.Render(), "generated.yaml", KubernetesVersion.Of(34)).Errors);
    }

    [Fact]
    public void An_unusable_endpoint_is_refused_before_anything_is_printed()
    {
        var request = Request(TracedComponent.Kubelet, "1.34") with { Endpoint = "http://collector:4317" };

        var result = TracingConfigGenerator.Generate(request);

        Assert.Equal("endpoint \"http://collector:4317\" is a URL, but Kubernetes components export OTLP over gRPC to a host:port target; write \"collector:4317\"", result.Error);
    }
}
