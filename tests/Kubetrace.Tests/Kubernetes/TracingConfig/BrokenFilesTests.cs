using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary>Broken Kubernetes tracing files and the exact messages <c>kubetrace validate</c> prints for them.</summary>
public class BrokenFilesTests
{
    public static TheoryData<string, string?, string[]> BrokenFiles => new()
    {
        {
            // A misspelt field is ignored by Kubernetes, so the rate silently stays unset: say so, with the fix.
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMilion: 100
            """,
            null,
            ["f.yaml:3:1: samplingRatePerMilion: unknown field \"samplingRatePerMilion\" (did you mean \"samplingRatePerMillion\"?)"]
        },
        {
            // The seed's example is for 1.27 and later.
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMillion: 100
            """,
            "1.26",
            ["f.yaml:1:13: apiVersion: apiserver.config.k8s.io/v1beta1 exists from Kubernetes 1.27; Kubernetes 1.26 reads apiserver.config.k8s.io/v1alpha1"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMillion: 2000000
            """,
            null,
            ["f.yaml:3:25: samplingRatePerMillion: 2000000 is more than one million; use from 0 to 1000000 (1000000 samples every trace)"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMillion: -5
            """,
            null,
            ["f.yaml:3:25: samplingRatePerMillion: -5 is negative; use from 0 to 1000000 (0 starts no traces)"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMillion: 0.01
            """,
            null,
            ["f.yaml:3:25: samplingRatePerMillion: expected an integer from 0 to 1000000, got \"0.01\"; a ratio of 0.01 is 10000 per million"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            samplingRatePerMillion: "100"
            """,
            null,
            ["f.yaml:3:25: samplingRatePerMillion: expected an integer from 0 to 1000000, got the string \"100\" (remove the quotes)"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v2
            kind: TracingConfiguration
            """,
            null,
            ["f.yaml:1:13: apiVersion: \"apiserver.config.k8s.io/v2\" is not an apiVersion of TracingConfiguration (did you mean \"apiserver.config.k8s.io/v1\"?) (known: apiserver.config.k8s.io/v1alpha1, apiserver.config.k8s.io/v1beta1, apiserver.config.k8s.io/v1)"]
        },
        {
            // The kubelet's group on the apiserver's kind.
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: TracingConfiguration
            """,
            null,
            ["f.yaml:1:13: apiVersion: \"kubelet.config.k8s.io/v1beta1\" is not an apiVersion of TracingConfiguration (known: apiserver.config.k8s.io/v1alpha1, apiserver.config.k8s.io/v1beta1, apiserver.config.k8s.io/v1)"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1
            kind: TracingConfiguration
            """,
            "1.30",
            ["f.yaml:1:13: apiVersion: apiserver.config.k8s.io/v1 exists from Kubernetes 1.34; Kubernetes 1.30 reads apiserver.config.k8s.io/v1alpha1, apiserver.config.k8s.io/v1beta1"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfig
            """,
            null,
            ["f.yaml:2:7: kind: unknown kind \"TracingConfig\" (known: TracingConfiguration, KubeletConfiguration)"]
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1beta1
            kind: TracingConfiguration
            endpoint: http://collector:4317
            """,
            null,
            ["f.yaml:3:11: endpoint: \"http://collector:4317\" is a URL, but Kubernetes components export OTLP over gRPC to a host:port target; write \"collector:4317\""]
        },
        {
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            tracing:
              endpoint: collector:43l7
            """,
            null,
            ["f.yaml:4:13: tracing::endpoint: \"43l7\" in \"collector:43l7\" is not a port number (1 to 65535)"]
        },
        {
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            tracing:
              endpoint: otel-collector
            """,
            null,
            ["f.yaml:4:13: tracing::endpoint: \"otel-collector\" has no port; gRPC would dial port 443, not OTLP's 4317 (write \"otel-collector:4317\")"]
        },
        {
            // Legitimate kubelet fields are not flagged; a misspelt nested one is.
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            cgroupDriver: systemd
            containerRuntimeEndpoint: unix:///run/containerd/containerd.sock
            evictionHard:
              memory.available: 100Mi
            authentication:
              anonymous:
                enable: false
            tracing:
              samplingRatePerMilion: 100
            """,
            null,
            [
                "f.yaml:9:5: authentication::anonymous::enable: unknown field \"enable\" (did you mean \"enabled\"?)",
                "f.yaml:11:3: tracing::samplingRatePerMilion: unknown field \"samplingRatePerMilion\" (did you mean \"samplingRatePerMillion\"?)",
            ]
        },
        {
            // 1.26: KubeletTracing is alpha and off; the kubelet refuses a tracing section without it.
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            tracing:
              samplingRatePerMillion: 100
            """,
            "1.26",
            ["f.yaml:3:1: tracing: Kubernetes 1.26 needs featureGates: {KubeletTracing: true} for kubelet tracing (KubeletTracing is alpha, off by default, until 1.27); without it the kubelet refuses the tracing section"]
        },
        {
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            featureGates:
              KubeletTracing: false
            tracing:
              samplingRatePerMillion: 100
            """,
            "1.30",
            ["f.yaml:4:3: featureGates::KubeletTracing: KubeletTracing: false turns kubelet tracing off, and the kubelet then refuses the tracing section"]
        },
        {
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            featureGates:
              KubeletTracing: false
            """,
            "1.34",
            ["f.yaml:4:3: featureGates::KubeletTracing: KubeletTracing is GA in Kubernetes 1.34 and cannot be turned off; remove the gate"]
        },
        {
            SeedExamplesTests.KubeletExample,
            "1.24",
            [
                "f.yaml:4:3: featureGates::KubeletTracing: Kubernetes 1.24 has no feature gate KubeletTracing (the kubelet refuses unknown gates)",
                "f.yaml:5:1: tracing: the kubelet of Kubernetes 1.24 has no tracing; it arrived in 1.25 (alpha)",
            ]
        },
        {
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            featureGates:
              KubeletTracing: "true"
            """,
            null,
            ["f.yaml:4:19: featureGates::KubeletTracing: expected true or false, got \"true\""]
        },
        {
            """
            kind: KubeletConfiguration
            tracing: {}
            """,
            null,
            ["f.yaml:1:1: apiVersion: apiVersion is missing; KubeletConfiguration is read as kubelet.config.k8s.io/v1beta1"]
        },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void Each_mistake_is_reported_at_its_line_and_column_with_its_key(string yaml, string? release, string[] expected)
    {
        var result = KubernetesConfigValidator.Validate(yaml, "f.yaml", Release(release));

        Assert.Equal(expected, result.Errors.Select(e => e.ToString()));
        Assert.False(result.IsValid);
    }

    public static TheoryData<string, string?, string> Warnings => new()
    {
        {
            // Without a release the missing gate may be right (1.27+) or fatal (1.25, 1.26): a warning that says which.
            """
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            tracing:
              samplingRatePerMillion: 100
            """,
            null,
            "f.yaml:3:1: tracing: Kubernetes 1.25 and 1.26 need featureGates: {KubeletTracing: true} (KubeletTracing is on by default from 1.27); give --kubernetes-version to check for your release"
        },
        {
            SeedExamplesTests.KubeletExample,
            "1.34",
            "f.yaml:4:3: featureGates::KubeletTracing: KubeletTracing is GA in Kubernetes 1.34: setting it is deprecated, and the kubelet will refuse it once the gate is removed"
        },
        {
            """
            apiVersion: apiserver.config.k8s.io/v1alpha1
            kind: TracingConfiguration
            """,
            "1.24",
            "f.yaml:2:7: kind: Kubernetes 1.24 also needs kube-apiserver --feature-gates=APIServerTracing=true (alpha until 1.27); a file cannot set it"
        },
    };

    [Theory]
    [MemberData(nameof(Warnings))]
    public void Files_that_work_only_in_some_releases_are_valid_with_a_warning(string yaml, string? release, string warning)
    {
        var result = KubernetesConfigValidator.Validate(yaml, "f.yaml", Release(release));

        Assert.Empty(result.Errors);
        Assert.Equal([warning], result.Warnings.Select(w => w.ToString()));
    }

    private static KubernetesVersion? Release(string? text) =>
        text is null ? null : KubernetesVersion.TryParse(text, out var version) ? version : throw new ArgumentException(text);

    [Fact]
    public void In_a_kubeadm_file_the_kubelet_document_is_checked_and_kubeadms_own_are_left_alone()
    {
        const string kubeadm = """
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: ClusterConfiguration
            kubernetesVersion: v1.26.3
            ---
            apiVersion: kubelet.config.k8s.io/v1beta1
            kind: KubeletConfiguration
            cgroupDriver: systemd
            tracing:
              samplingRatePerMilion: 100
            """;

        var result = KubernetesConfigValidator.Validate(kubeadm, "kubeadm.yaml", Release("1.27"));

        Assert.Equal(
            ["kubeadm.yaml:9:3: tracing::samplingRatePerMilion: unknown field \"samplingRatePerMilion\" (did you mean \"samplingRatePerMillion\"?)"],
            result.Errors.Select(e => e.ToString()));
        var fixedFile = KubernetesConfigValidator.Validate(kubeadm.Replace("Milion", "Million"), "kubeadm.yaml", Release("1.27"));
        Assert.True(fixedFile.IsValid);
        Assert.Equal("KubeletConfiguration", fixedFile.Kind);
    }

    [Fact]
    public void A_file_of_other_kinds_only_is_not_silently_accepted()
    {
        var result = KubernetesConfigValidator.Validate(
            "apiVersion: kubeadm.k8s.io/v1beta4\nkind: InitConfiguration\n---\napiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n",
            "kubeadm.yaml", version: null);

        Assert.Equal(["kubeadm.yaml: none of the documents is a TracingConfiguration or KubeletConfiguration"], result.Errors.Select(e => e.ToString()));
    }
}
