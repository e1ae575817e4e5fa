using System.Text.RegularExpressions;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.TracingConfig;

/// <summary>The two Kubernetes examples of the seed document validate, as written there.</summary>
public partial class SeedExamplesTests
{
    private const string SeedDocument = "seed/000_0c92555377b90252.txt";

    // The seed's two examples, verbatim (comment included), so that this holds even where ../shared is absent.
    private const string ApiServerExample = """
        apiVersion: apiserver.config.k8s.io/v1beta1
        kind: TracingConfiguration
        samplingRatePerMillion: 100  # 10000リクエストに1回のサンプリング
        """;

    internal const string KubeletExample = """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        featureGates:
          KubeletTracing: true
        tracing:
          samplingRatePerMillion: 100
        """;

    [Theory]
    [InlineData(ApiServerExample, "TracingConfiguration")]
    [InlineData(KubeletExample, "KubeletConfiguration")]
    public void The_documented_examples_are_valid_without_a_release(string yaml, string kind)
    {
        var result = KubernetesConfigValidator.Validate(yaml, "seed.yaml", version: null);

        Assert.Empty(result.Errors);
        Assert.Empty(result.Warnings);
        Assert.Equal(kind, result.Kind);
    }

    [Theory]
    [InlineData("1.27")]
    [InlineData("1.31")]
    [InlineData("1.33")]
    public void The_documented_examples_are_valid_for_the_releases_that_read_v1beta1_and_have_the_gate(string release)
    {
        Assert.True(KubernetesVersion.TryParse(release, out var version));

        Assert.Empty(KubernetesConfigValidator.Validate(ApiServerExample, "seed.yaml", version).Errors);
        var kubelet = KubernetesConfigValidator.Validate(KubeletExample, "seed.yaml", version);
        Assert.Empty(kubelet.Errors);
        Assert.Empty(kubelet.Warnings);
    }

    [SkippableFact]
    public void Every_kubernetes_example_in_the_seed_document_validates()
    {
        var path = Requires.SharedFile(SeedDocument);

        var examples = YamlBlocks().Matches(File.ReadAllText(path))
            .Select(m => m.Groups[1].Value)
            .Where(block => block.Contains("kind:", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(2, examples.Count);
        Assert.Equal(ApiServerExample, examples[0].TrimEnd('\n'));
        Assert.Equal(KubeletExample, examples[1].TrimEnd('\n'));
        foreach (var example in examples)
        {
            var result = KubernetesConfigValidator.Validate(example, path, version: null);
            Assert.True(result.IsValid, string.Join("\n", result.Errors));
        }
    }

    [GeneratedRegex("```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlocks();
}
