using Kubetrace.Config;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>What <c>kubetrace validate</c> found in a component's tracing configuration file, in file order.</summary>
/// <param name="Kind">What the file is (TracingConfiguration, KubeletConfiguration, etcd flags, containerd
/// configuration) when it is one Kubetrace knows and checked without error; null otherwise.</param>
/// <param name="Version">Its apiVersion, or the releases it was checked for.</param>
public sealed record ComponentConfigValidation(
    string? Kind,
    string? Version,
    IReadOnlyList<ConfigDiagnostic> Errors,
    IReadOnlyList<ConfigDiagnostic> Warnings)
{
    public bool IsValid => Kind is not null && Errors.Count == 0;
}
