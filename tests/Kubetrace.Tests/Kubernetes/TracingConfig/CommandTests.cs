using Kubetrace.Tests.Cli;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary>The command lines: <c>kubetrace k8s tracing-config</c> into a file, then <c>kubetrace validate</c> on it.</summary>
public class CommandTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("apiserver", "1.26", "TracingConfiguration (apiserver.config.k8s.io/v1alpha1) is valid for Kubernetes 1.26")]
    [InlineData("apiserver", "1.27", "TracingConfiguration (apiserver.config.k8s.io/v1beta1) is valid for Kubernetes 1.27")]
    [InlineData("apiserver", "1.34", "TracingConfiguration (apiserver.config.k8s.io/v1) is valid for Kubernetes 1.34")]
    [InlineData("kubelet", "1.25", "KubeletConfiguration (kubelet.config.k8s.io/v1beta1) is valid for Kubernetes 1.25")]
    [InlineData("kubelet", "1.36", "KubeletConfiguration (kubelet.config.k8s.io/v1beta1) is valid for Kubernetes 1.36")]
    public async Task A_generated_file_passes_validate(string component, string release, string verdict)
    {
        var path = _folder.File($"{component}.yaml");

        var generated = await CliRun.RunAsync("k8s", "tracing-config", "--component", component, "--endpoint", "otel.monitoring:4317",
            "--sampling-rate-per-million", "500", "--kubernetes-version", release, "--output", path);
        var validated = await CliRun.RunAsync("validate", path, "--kubernetes-version", release);

        Assert.Equal(0, generated.Code);
        Assert.StartsWith($"wrote {path}\n", generated.Output.ReplaceLineEndings("\n"));
        Assert.Contains("samplingRatePerMillion: 500\n", File.ReadAllText(path));
        Assert.Equal(0, validated.Code);
        Assert.Equal(verdict, validated.Lines.Single());
    }

    [Theory]
    [InlineData("etcd", "--etcd-version", "3.5", "etcd.flags", "etcd flags (etcd 3.5) is valid")]
    [InlineData("etcd", "--etcd-version", "3.7", "etcd.flags", "etcd flags (etcd 3.7) is valid")]
    [InlineData("containerd", "--containerd-version", "1.6", "config.toml", "containerd configuration (version 2) is valid")]
    [InlineData("containerd", "--containerd-version", "1.7", "config.toml", "containerd configuration (version 2) is valid")]
    public async Task Generated_etcd_flags_and_containerd_toml_pass_validate(string component, string versionOption, string version, string file, string verdict)
    {
        var path = _folder.File(file);

        var generated = await CliRun.RunAsync("k8s", "tracing-config", "--component", component, versionOption, version, "-o", path);
        string[] validateArgs = component == "etcd" ? ["validate", path, "--etcd-version", version] : ["validate", path];
        var validated = await CliRun.RunAsync(validateArgs);

        Assert.Equal(0, generated.Code);
        Assert.Equal(0, validated.Code);
        Assert.Equal(verdict, validated.Lines.Single());
        Assert.Empty(validated.Error);
    }

    [Fact]
    public async Task Printing_to_stdout_gives_the_same_file()
    {
        var path = _folder.File("kubelet.yaml");

        var printed = await CliRun.RunAsync("k8s", "tracing-config", "--component", "kubelet", "--kubernetes-version", "1.30");
        await CliRun.RunAsync("k8s", "tracing-config", "--component", "kubelet", "--kubernetes-version", "1.30", "-o", path);

        Assert.Equal(File.ReadAllText(path), printed.Output);
        Assert.Contains("  endpoint: localhost:4317\n", printed.Output);
    }

    [Fact]
    public async Task Validate_of_a_broken_kubernetes_file_exits_1_with_each_error_located()
    {
        var path = _folder.File("tracing.yaml");
        File.WriteAllText(path, "apiVersion: apiserver.config.k8s.io/v1beta1\nkind: TracingConfiguration\nsamplingRatePerMilion: 100\n");

        var result = await CliRun.RunAsync("validate", path);

        Assert.Equal(1, result.Code);
        Assert.Equal($"{path}:3:1: samplingRatePerMilion: unknown field \"samplingRatePerMilion\" (did you mean \"samplingRatePerMillion\"?)\n",
            result.Error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task Validate_still_checks_collector_configurations()
    {
        var path = _folder.File("collector.yaml");
        File.WriteAllText(path, "receivers:\n  otlp:\n    protocols:\n      grpc:\nexporters:\n  debug:\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n");

        var result = await CliRun.RunAsync("validate", path, "--kubernetes-version", "1.34");

        Assert.Equal(0, result.Code);
        Assert.Equal("config is valid", result.Lines.Single());
    }

    [Fact]
    public async Task A_release_without_the_feature_is_an_error_not_a_file()
    {
        var result = await CliRun.RunAsync("k8s", "tracing-config", "--component", "apiserver", "--kubernetes-version", "1.21");

        Assert.Equal(1, result.Code);
        Assert.Empty(result.Output);
        Assert.Equal("kubetrace k8s tracing-config: kube-apiserver 1.21 cannot emit traces: tracing arrived in Kubernetes 1.22 (alpha)\n",
            result.Error.ReplaceLineEndings("\n"));
    }
}
