using System.CommandLine;
using Kubetrace.Config;
using Kubetrace.Kubernetes.Deploy.Checks;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// The <c>kubetrace validate</c> path for one cluster component file, told apart from a Collector configuration by
/// its content: a YAML file that declares <c>kind</c> or <c>apiVersion</c> (TracingConfiguration,
/// KubeletConfiguration) or objects of the Kubernetes API (manifests), a <c>.toml</c> file (containerd), or a file of <c>--flags</c> about tracing (etcd).
/// </summary>
public static class KubernetesFileValidation
{
    public static bool Applies(IReadOnlyList<string> paths) => paths.Count == 1 && KindOf(paths[0]) is not null;

    public static int Run(ParseResult parse, string path, IReadOnlyList<string> overrides, KubernetesVersion? kubernetes, ComponentVersion? etcd)
    {
        var error = parse.InvocationConfiguration.Error;
        if (overrides.Count > 0)
        {
            error.WriteLine("--set applies to Collector configurations, not to Kubernetes component files");
            return ExitCodes.Usage;
        }
        var result = KindOf(path) switch
        {
            FileKind.ContainerdToml => ContainerdConfigCheck.Validate(File.ReadAllText(path), path),
            FileKind.EtcdFlags => EtcdFlagsCheck.Validate(File.ReadAllText(path), path, etcd),
            FileKind.Manifests => ManifestCheck.Validate(File.ReadAllText(path), path),
            _ => KubernetesConfigValidator.ValidateFile(path, kubernetes),
        };
        ConfigOption.PrintDiagnostics(result.Errors, result.Warnings, error);
        if (!result.IsValid) return ExitCodes.Failure;
        var release = kubernetes is { } v && result.Kind is KubernetesKinds.TracingConfiguration or KubernetesKinds.KubeletConfiguration
            ? $" for Kubernetes {v}" : "";
        parse.InvocationConfiguration.Output.WriteLine($"{result.Kind} ({result.Version}) is valid{release}");
        return ExitCodes.Ok;
    }

    private enum FileKind
    {
        KubernetesYaml,
        Manifests,
        ContainerdToml,
        EtcdFlags,
    }

    private static FileKind? KindOf(string path)
    {
        if (path.EndsWith(".toml", StringComparison.OrdinalIgnoreCase)) return File.Exists(path) ? FileKind.ContainerdToml : null;
        if (KubernetesConfigValidator.IsKubernetesFile(path, out var text))
        {
            // Objects of the Kubernetes API (k8s install's output, a rendered chart) rather than component configs.
            var documents = YamlDocumentReader.ReadDocuments(text, path, new ConfigDiagnostics(path)) ?? [];
            return documents.Any(ManifestCheck.IsManifest) ? FileKind.Manifests : FileKind.KubernetesYaml;
        }
        return text.Length > 0 && EtcdFlagsCheck.IsEtcdFlagsFile(text) ? FileKind.EtcdFlags : null;
    }
}
