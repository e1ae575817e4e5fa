using Kubetrace.Config;
using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.Deploy.Checks;
using Kubetrace.Kubernetes.TracingConfig;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// <c>k8s install</c> for every topology and the releases 1.27, 1.31 and 1.34: the cluster's objects read strictly
/// into the Kubernetes object model, pass Pod Security restricted and reference only what they contain; the
/// ConfigMaps hold Collector configurations Kubetrace accepts; the control plane's files validate for the release.
/// </summary>
public class InstallManifestsTests
{
    /// <summary>Regenerate with <c>kubetrace k8s install --topology agent --kubernetes-version 1.31 --dry-run</c> after a deliberate change.</summary>
    private static readonly string Golden = Path.Combine(RepoPaths.Root, "tests", "Kubetrace.Tests", "Kubernetes", "Deploy", "testdata", "install-agent-1.31.txt");

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var topology in InstallChoices.Topology.Names)
        foreach (var release in new[] { "1.27", "1.31", "1.34" })
            data.Add(topology, release);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_cluster_objects_pass_the_model_pod_security_and_reference_checks(string topology, string release)
    {
        var files = Install(topology, release);

        var result = ManifestCheck.Validate(File(files, InstallManifests.ClusterFile), "kubetrace.yaml");

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_configmap_holds_a_collector_configuration_kubetrace_accepts(string topology, string release)
    {
        var configs = ConfigMapConfigs(File(Install(topology, release), InstallManifests.ClusterFile)).ToList();

        Assert.Equal(topology == "agent" ? 2 : 1, configs.Count);
        foreach (var (name, yaml) in configs)
        {
            var result = new ConfigLoader(ComponentCatalog.Default).Load(yaml, name);
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_control_plane_files_validate_for_the_release_and_point_at_the_fixed_service_address(string topology, string release)
    {
        var files = Install(topology, release);
        var version = KubernetesVersion.TryParse(release, out var v) ? v.Value : default;

        var apiserver = KubernetesConfigValidator.Validate(File(files, "control-plane/tracing-config.yaml"), "tracing-config.yaml", version);
        var kubelet = KubernetesConfigValidator.Validate(File(files, "control-plane/patches/kubeletconfiguration+strategic.yaml"), "kubelet.yaml", version);
        var etcd = EtcdFlagsCheck.Validate(File(files, "control-plane/etcd-tracing.flags"), "etcd.flags", null);
        var containerd = ContainerdConfigCheck.Validate(File(files, "control-plane/containerd-tracing.toml"), "containerd.toml");

        foreach (var result in new[] { apiserver, kubelet, etcd, containerd }) Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal(version >= KubernetesVersion.Of(34) ? "apiserver.config.k8s.io/v1" : "apiserver.config.k8s.io/v1beta1", apiserver.Version);
        Assert.All(files.Where(f => f.Path.StartsWith("control-plane/", StringComparison.Ordinal) && !f.Path.EndsWith("kube-apiserver+json.yaml", StringComparison.Ordinal)),
            f => Assert.Contains("10.96.0.50:4317", f.Content));
        Assert.Contains("value: \"--tracing-config-file=/etc/kubernetes/tracing-config.yaml\"", File(files, "control-plane/patches/kube-apiserver+json.yaml"));
    }

    /// <summary>
    /// The install cannot know the etcd patch a cluster runs: kubeadm 1.27.0 deploys 3.5.7, which has no
    /// sampling-rate flag (3.5.11 added it), and etcd refuses to start on a flag it does not know. The flags must start
    /// every patch of the minor kubeadm deploys with the release.
    /// </summary>
    [Theory]
    [InlineData("1.27", "3.5.0")]
    [InlineData("1.27", "3.5.7")]
    [InlineData("1.31", "3.5.10")]
    [InlineData("1.34", "3.6.0")]
    public void The_etcd_flags_start_every_patch_of_the_etcd_minor_kubeadm_deploys(string release, string etcd)
    {
        var files = Install("agent", release);
        var flags = File(files, "control-plane/etcd-tracing.flags");

        var result = EtcdFlagsCheck.Validate(flags, "etcd.flags", ComponentVersion.TryParse(etcd, out var version) ? version : null);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var flagLines = flags.Split('\n').Where(l => l.StartsWith("--", StringComparison.Ordinal));
        Assert.All(flagLines, flag => Assert.Contains($"value: \"{flag}\"", File(files, "control-plane/patches/etcd+json.yaml")));
    }

    /// <summary>
    /// containerd 2.x and 1.7.16–1.7.18 read the exporter only from the OTEL_* environment (the TOML's sections are
    /// ignored), and 1.7.19+ copy the TOML's endpoint into OTEL_EXPORTER_OTLP_ENDPOINT as written, where host:port is
    /// no URL (the SDK falls back to localhost:4317). So the install also writes the environment as a systemd drop-in,
    /// the endpoint as an http:// URL; where both are read the environment wins. The TOML keeps host:port, which
    /// 1.7.0–1.7.15 dial.
    /// </summary>
    [Fact]
    public void Containerd_gets_the_endpoint_as_a_url_from_a_systemd_drop_in_and_as_host_and_port_from_the_toml()
    {
        var files = Install("agent", "1.34");

        var dropIn = File(files, "control-plane/containerd-tracing.conf").Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#'));

        Assert.Equal(
            [
                "[Service]",
                "Environment=\"OTEL_EXPORTER_OTLP_ENDPOINT=http://10.96.0.50:4317\"",
                "Environment=\"OTEL_EXPORTER_OTLP_PROTOCOL=grpc\"",
                "Environment=\"OTEL_SERVICE_NAME=containerd\"",
                "Environment=\"OTEL_TRACES_SAMPLER=parentbased_traceidratio\"",
                "Environment=\"OTEL_TRACES_SAMPLER_ARG=0.0001\"",
            ],
            dropIn);
        Assert.Contains("endpoint = \"10.96.0.50:4317\"", File(files, "control-plane/containerd-tracing.toml"));
    }

    [Fact]
    public void The_agent_topology_for_1_31_is_written_as_in_the_golden_file()
    {
        var text = string.Concat(Install("agent", "1.31").Select(f => $"# ==> {f.Path} <==\n{f.Content}"));

        Assert.Equal(System.IO.File.ReadAllText(Golden), text);
    }

    [Fact]
    public void A_release_before_pod_security_admission_or_a_bad_address_is_refused_with_the_reason()
    {
        Assert.Contains("older than 1.25", new InstallRequest(InstallTopology.Single, KubernetesVersion.Of(24)).Problem());
        Assert.Contains("not an IP address", new InstallRequest(InstallTopology.Single, KubernetesVersion.Of(31), ServiceIp: "kubetrace.local").Problem());
        Assert.Contains("not a size", new InstallRequest(InstallTopology.Single, KubernetesVersion.Of(31), StorageSize: "ten gigs").Problem());
    }

    [Theory]
    [InlineData("agent", null, AgentAuthentication.Mtls, "kubetrace-agent-tls", "--agent-auth mtls needs --tls-secret: credentials are not sent in plaintext")]
    [InlineData("agent", "kubetrace-tls", AgentAuthentication.Mtls, null, "--agent-auth mtls needs --agent-client-secret")]
    [InlineData("single", "kubetrace-tls", AgentAuthentication.ServiceAccountToken, null, "is for the agent topology: in the single topology the components send to Kubetrace directly")]
    [InlineData("agent", "kubetrace-tls", AgentAuthentication.ServiceAccountToken, "kubetrace-agent-tls", "--agent-client-secret is only used with --agent-auth mtls")]
    [InlineData("agent", "Kubetrace_TLS", AgentAuthentication.None, null, "--tls-secret \"Kubetrace_TLS\" is not an object name")]
    public void Security_settings_that_cannot_work_are_refused_with_the_reason(string topology, string? tlsSecret, AgentAuthentication auth, string? clientSecret, string reason)
    {
        var request = new InstallRequest(InstallChoices.Topology.Parse(topology)!.Value, KubernetesVersion.Of(31),
            Security: new InstallSecurity(tlsSecret, auth, clientSecret));

        Assert.Contains(reason, request.Problem());
    }

    [Fact]
    public void Without_security_settings_the_objects_carry_no_credential_and_declare_no_user_made_object()
    {
        var text = File(Install("agent", "1.31"), InstallManifests.ClusterFile);

        Assert.DoesNotContain("kubetrace/user-provided", text);
        Assert.DoesNotContain("secret", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("insecure: true", text);
    }

    internal static IReadOnlyList<InstallFile> Install(string topology, string release) =>
        InstallManifests.Render(new InstallRequest(InstallChoices.Topology.Parse(topology)!.Value, KubernetesVersion.TryParse(release, out var v) ? v.Value : default));

    private static string File(IReadOnlyList<InstallFile> files, string path) => files.Single(f => f.Path == path).Content;

    private static IEnumerable<(string Name, string Yaml)> ConfigMapConfigs(string manifests)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(manifests));
        foreach (var document in stream.Documents)
        {
            var root = (YamlMappingNode)document.RootNode;
            if (((YamlScalarNode)root["kind"]).Value != "ConfigMap") continue;
            var name = ((YamlScalarNode)((YamlMappingNode)root["metadata"])["name"]).Value!;
            yield return (name, ((YamlScalarNode)((YamlMappingNode)root["data"])["config.yaml"]).Value!);
        }
    }
}
