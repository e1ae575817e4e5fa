using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The Helm chart's default values are <c>k8s install</c>'s defaults. (Rendering the chart needs the helm binary,
/// which Debian 12 does not package; see docs/deploy.md.)
/// </summary>
public class HelmValuesTests
{
    [Fact]
    public void The_chart_defaults_are_the_install_defaults()
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "helm", "kubetrace", "values.yaml"))));
        var values = (YamlMappingNode)stream.Documents[0].RootNode;
        string At(params string[] path) => ((YamlScalarNode)path.Aggregate((YamlNode)values, (node, key) => ((YamlMappingNode)node)[key])).Value!;
        var defaults = new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31));

        Assert.Equal("agent", At("topology"));
        Assert.Equal(defaults.KubernetesVersion.ToString(), At("kubernetesVersion"));
        Assert.Equal(defaults.Image, At("image"));
        Assert.Equal(defaults.ServiceIp, At("serviceIp"));
        Assert.Equal(defaults.StorageSize, At("storage", "size"));
        Assert.Equal(defaults.Retention, At("storage", "retention"));
        Assert.Equal(Quantity.NinetyPercentAsByteSize(defaults.StorageSize), At("storage", "maxDiskSize"));
        Assert.Equal(defaults.SamplingRatePerMillion.ToString(), At("sampling", "ratePerMillion"));
        Assert.Equal([defaults.Agent.CpuRequest, defaults.Agent.MemoryRequest, defaults.Agent.MemoryLimit],
            new[] { At("resources", "agent", "cpu"), At("resources", "agent", "memory"), At("resources", "agent", "memoryLimit") });
        Assert.Equal([defaults.Store.CpuRequest, defaults.Store.MemoryRequest, defaults.Store.MemoryLimit],
            new[] { At("resources", "store", "cpu"), At("resources", "store", "memory"), At("resources", "store", "memoryLimit") });
    }

    [Fact]
    public void The_chart_configs_are_the_install_configs_with_the_values_in_place()
    {
        var template = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "helm", "kubetrace", "templates", "_configs.tpl"));
        var request = new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31));

        Assert.Contains(CollectorConfigs.Agent(request).Replace(".kubetrace.svc", ".{{ .Release.Namespace }}.svc").TrimEnd('\n'), template);
        Assert.Contains(CollectorConfigs.Store(request).Replace("retention: 72h", "retention: {{ .Values.storage.retention }}")
            .Replace("max_disk_size: 9GiB", "max_disk_size: {{ .Values.storage.maxDiskSize }}").TrimEnd('\n'), template);
    }
}
