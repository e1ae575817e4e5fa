namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>What <c>kubetrace k8s tracing-config</c> was asked for.</summary>
/// <param name="EtcdVersion">Null: the etcd minor kubeadm deploys with <paramref name="KubernetesVersion"/>.</param>
/// <param name="ContainerdVersion">Null: <see cref="ContainerdTracing.DefaultVersion"/>.</param>
public sealed record TracingConfigRequest(
    TracedComponent Component,
    string Endpoint,
    int SamplingRatePerMillion,
    KubernetesVersion KubernetesVersion,
    ComponentVersion? EtcdVersion = null,
    ComponentVersion? ContainerdVersion = null);

/// <summary>
/// What a component needs, printed as one file: <see cref="Comments"/> (how to use it, why this shape) as comment
/// lines, then <see cref="Body"/>, so that the printed text is itself a valid YAML or TOML file.
/// </summary>
/// <param name="Format">yaml, toml or flags (one command-line flag a line).</param>
/// <param name="Flags">The command-line flags the component must be started with (also named in the comments).</param>
/// <param name="Environment">Environment variables that configure the component (alternative or addition to the file).</param>
public sealed record GeneratedConfig(
    TracedComponent Component,
    string Format,
    IReadOnlyList<string> Comments,
    string Body,
    IReadOnlyList<string> Flags,
    IReadOnlyList<KeyValuePair<string, string>> Environment)
{
    public string Render()
    {
        var writer = new StringWriter { NewLine = "\n" };
        foreach (var line in Comments) writer.WriteLine(line.Length == 0 ? "#" : "# " + line);
        writer.Write(Body);
        return writer.ToString();
    }
}

/// <summary>Either a generated configuration or why none can be generated (e.g. a release without tracing).</summary>
public sealed record GenerationResult(GeneratedConfig? Config, string? Error)
{
    public static GenerationResult Ok(GeneratedConfig config) => new(config, null);

    public static GenerationResult Fail(string error) => new(null, error);
}
