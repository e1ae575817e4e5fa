using System.CommandLine;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Cli.K8s;

/// <summary>
/// The <c>kubetrace validate</c> path for one Kubernetes component file: a file that declares <c>kind</c> or
/// <c>apiVersion</c> at the top is not a Collector configuration, so it is checked as its kind instead.
/// </summary>
public static class KubernetesFileValidation
{
    public static bool Applies(IReadOnlyList<string> paths) =>
        paths.Count == 1 && KubernetesConfigValidator.TryReadKubernetesObject(paths[0], out _) is not null;

    public static int Run(ParseResult parse, string path, IReadOnlyList<string> overrides, KubernetesVersion? version)
    {
        var error = parse.InvocationConfiguration.Error;
        if (overrides.Count > 0)
        {
            error.WriteLine("--set applies to Collector configurations, not to Kubernetes files");
            return ExitCodes.Usage;
        }
        var result = KubernetesConfigValidator.ValidateFile(path, version);
        ConfigOption.PrintDiagnostics(result.Errors, result.Warnings, error);
        if (!result.IsValid) return ExitCodes.Failure;
        var release = version is { } v ? $" for Kubernetes {v}" : "";
        parse.InvocationConfiguration.Output.WriteLine($"{result.Kind} ({result.ApiVersion}) is valid{release}");
        return ExitCodes.Ok;
    }
}
