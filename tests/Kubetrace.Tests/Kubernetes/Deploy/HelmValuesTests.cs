using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The Helm chart's default values are <c>k8s install</c>'s defaults, the sampling rate (which only the chart's notes
/// use) included. <see cref="HelmChartTests"/> renders the chart and compares the objects.
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
}
