using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>The image's files agree with what <c>k8s install</c> writes, and its health check fails when nothing answers.</summary>
public class ImageFilesTests
{
    [Fact]
    public void The_image_configuration_is_the_store_configuration_k8s_install_writes()
    {
        var expected = CollectorConfigs.Store(new InstallRequest(InstallTopology.Single, KubernetesTracingReleases.Default));

        Assert.Equal(expected, File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "container", "config.yaml")));
    }

    [Fact]
    public void The_containerfile_exposes_the_ports_the_manifests_use()
    {
        var containerfile = File.ReadAllText(Path.Combine(RepoPaths.Root, "deploy", "container", "Containerfile"));

        Assert.Contains($"EXPOSE {Ports.OtlpGrpc} {Ports.OtlpHttp} {Ports.Query} {Ports.Tempo} {Ports.Metrics} {Ports.Health}", containerfile);
        Assert.Contains("USER 10001:10001", containerfile);
    }

    [Fact]
    public async Task Healthcheck_exits_1_when_no_health_check_answers()
    {
        using var nothing = FreePorts.Closed();
        var result = await CliRun.RunAsync("healthcheck", "--url", $"http://127.0.0.1:{nothing.Port}/");

        Assert.Equal(1, result.Code);
        Assert.StartsWith("unhealthy:", result.Error);
    }
}
