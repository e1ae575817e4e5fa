using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.Deploy.Checks;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The Helm chart (<c>deploy/helm/kubetrace</c>) rendered by the real <c>helm template</c> gives the same cluster
/// objects as <c>kubetrace k8s install</c> for the same choices: with the default values, and with every value
/// changed. Objects are compared as the Kubernetes object model reads them (so YAML layout and key order do not
/// matter, a quoted number or a missing field does). helm comes from scripts/install-helm.sh (CI runs it).
/// </summary>
public sealed class HelmChartTests
{
    /// <summary>One choice made both ways: the chart's values (YAML) and the namespace it is installed into, and k8s install's options.</summary>
    private sealed record Choice(string Namespace, string Values, InstallRequest Request);

    private static readonly Dictionary<string, Choice> Choices = new()
    {
        ["default values"] = new("kubetrace", "", new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31))),
        ["gateway for 1.27"] = new("kubetrace", """
            topology: gateway
            kubernetesVersion: "1.27"
            """, new InstallRequest(InstallTopology.Gateway, KubernetesVersion.Of(27))),
        ["agent with every value changed"] = new("tracing", EveryValueChanged("agent", "1.34"), EveryValueChanged(InstallTopology.Agent, "tracing")),
        ["single with every value changed"] = new("tracing", EveryValueChanged("single", "1.34"), EveryValueChanged(InstallTopology.Single, "tracing")),
        ["agent over mTLS, query ports with TLS and basic authentication"] = new("kubetrace", """
            tls:
              existingSecret: kubetrace-tls
            auth:
              agents:
                mode: mtls
                clientSecret: kubetrace-agent-tls
              query:
                htpasswdSecret: kubetrace-query-users
            """, new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31), Security: new InstallSecurity(
                "kubetrace-tls", AgentAuthentication.Mtls, "kubetrace-agent-tls", QueryHtpasswdSecret: "kubetrace-query-users"))),
        ["agent with ServiceAccount tokens, every security value changed"] = new("tracing", """
            tls:
              existingSecret: tracing-serving
            auth:
              agents:
                mode: service-account-token
                serviceAccountIssuer: https://oidc.example.com/cluster-7
                audience: tracing-gateway
                jwksConfigMap: cluster-7-keys
            """, new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31), "tracing", Security: new InstallSecurity(
                "tracing-serving", AgentAuthentication.ServiceAccountToken, null, "https://oidc.example.com/cluster-7", "tracing-gateway", "cluster-7-keys"))),
        ["single with TLS and basic authentication on the query ports"] = new("kubetrace", """
            topology: single
            tls:
              existingSecret: kubetrace-tls
            auth:
              query:
                htpasswdSecret: kubetrace-query-users
            """, new InstallRequest(InstallTopology.Single, KubernetesVersion.Of(31), Security: new InstallSecurity(
                "kubetrace-tls", QueryHtpasswdSecret: "kubetrace-query-users"))),
    };

    public static TheoryData<string> ChoiceNames() => new(Choices.Keys);

    [SkippableTheory]
    [MemberData(nameof(ChoiceNames))]
    public async Task The_chart_renders_the_objects_k8s_install_writes(string choice)
    {
        var (ns, values, request) = Choices[choice];

        var rendered = await RenderChartAsync(ns, values);

        var installed = Objects(ClusterManifests.Render(request));
        var charted = Objects(rendered);
        Assert.Equal(installed.Keys, charted.Keys);
        foreach (var (key, json) in installed)
            Assert.True(json == charted[key], $"{key} differs: {FirstDifference(json, charted[key])}\n--- helm template:\n{charted[key]}");
    }

    [SkippableTheory]
    [MemberData(nameof(ChoiceNames))]
    public async Task The_rendered_chart_passes_the_model_pod_security_and_reference_checks(string choice)
    {
        var (ns, values, _) = Choices[choice];

        var result = ManifestCheck.Validate(await RenderChartAsync(ns, values), "helm template");

        Assert.Empty(result.Errors);
    }

    /// <summary>What k8s install refuses (<see cref="InstallSecurity.Problem"/>), the chart refuses with the same reason.</summary>
    [SkippableTheory]
    [InlineData("""
        tls:
          existingSecret: ""
        auth:
          agents:
            mode: mtls
            clientSecret: kubetrace-agent-tls
        """, "needs tls.existingSecret: credentials are not sent in plaintext")]
    [InlineData("""
        topology: single
        tls:
          existingSecret: kubetrace-tls
        auth:
          agents:
            mode: service-account-token
        """, "is for the agent topology")]
    [InlineData("""
        tls:
          existingSecret: kubetrace-tls
        auth:
          agents:
            mode: mtls
        """, "mtls needs auth.agents.clientSecret")]
    public async Task The_chart_refuses_the_security_settings_k8s_install_refuses(string values, string reason)
    {
        var result = await RunHelmTemplateAsync("kubetrace", values);

        Assert.NotEqual(0, result.Code);
        Assert.Contains(reason, result.Output);
    }

    private static string EveryValueChanged(string topology, string release) => $"""
        topology: {topology}
        kubernetesVersion: "{release}"
        image: registry.example.com/kubetrace:9.8.7
        serviceIp: 10.96.0.77
        storage:
          size: 50Gi
          storageClass: fast-ssd
          retention: 24h
          maxDiskSize: {Quantity.NinetyPercentAsByteSize("50Gi")}
        resources:
          agent:
            cpu: 200m
            memory: 256Mi
            memoryLimit: 1Gi
          store:
            cpu: "2"
            memory: 4Gi
            memoryLimit: 8Gi
        sampling:
          ratePerMillion: 5000
        """;

    private static InstallRequest EveryValueChanged(InstallTopology topology, string ns) =>
        new(topology, KubernetesVersion.Of(34), ns, "registry.example.com/kubetrace:9.8.7", "10.96.0.77", "50Gi", "fast-ssd", "24h", 5000,
            new WorkloadResources("200m", "256Mi", "1Gi"), new WorkloadResources("2", "4Gi", "8Gi"));

    /// <summary><c>helm template kubetrace deploy/helm/kubetrace --namespace NS -f values.yaml</c>, its output.</summary>
    private static async Task<string> RenderChartAsync(string ns, string values)
    {
        var result = await RunHelmTemplateAsync(ns, values);
        Assert.True(result.Code == 0, $"helm template failed ({result.Code}):\n{result.Output}");
        return result.Stdout;
    }

    private static async Task<CommandResult> RunHelmTemplateAsync(string ns, string values)
    {
        var helm = CommandLine.Find("helm");
        Requires.Present(helm is null ? "helm is not on PATH" : null, "`.ci/run` installs it with scripts/install-helm.sh.");
        var valuesFile = Path.Combine(Directory.CreateTempSubdirectory("kubetrace-helm-").FullName, "values.yaml");
        try
        {
            await File.WriteAllTextAsync(valuesFile, values);
            var result = await CommandLine.RunAsync(helm!,
                ["template", "kubetrace", Path.Combine(RepoPaths.Root, "deploy", "helm", "kubetrace"), "--namespace", ns, "-f", valuesFile]);
            return result;
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(valuesFile)!, recursive: true);
        }
    }

    /// <summary>Each object as the Kubernetes model reads it, written as JSON with sorted keys, by "Kind namespace/name".</summary>
    private static SortedDictionary<string, string> Objects(string manifests)
    {
        var objects = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var model in KubernetesYaml.LoadAllFromString(manifests))
        {
            var json = JsonNode.Parse(KubernetesJson.Serialize(model))!;
            var metadata = json["metadata"]!;
            var key = $"{json["kind"]} {metadata["namespace"]}/{metadata["name"]}";
            Assert.True(objects.TryAdd(key, Sorted(json)!.ToJsonString(Indented)), $"{key} is written twice");
        }
        return objects;
    }

    /// <summary>The first line where the two JSON texts part.</summary>
    private static string FirstDifference(string installed, string charted)
    {
        var (a, b) = (installed.Split('\n'), charted.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(a.Length, b.Length)).FirstOrDefault(i => a[i] != b[i], Math.Min(a.Length, b.Length));
        string At(string[] lines) => line < lines.Length ? lines[line].Trim() : "(end)";
        return $"line {line + 1}: k8s install has {At(a)}, the chart has {At(b)}";
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static JsonNode? Sorted(JsonNode? node) => node switch
    {
        JsonObject o => new JsonObject(o.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Sorted(p.Value)))),
        JsonArray a => new JsonArray(a.Select(Sorted).ToArray()),
        _ => node?.DeepClone(),
    };
}
