using Kubetrace.Config;

namespace Kubetrace.Kubernetes.TracingConfig;

/// <summary>What <c>kubetrace validate</c> found in a Kubernetes configuration file, in file order.</summary>
/// <param name="Kind">The kind the file declares when it is one Kubetrace knows; null otherwise.</param>
public sealed record KubernetesValidationResult(
    string? Kind,
    string? ApiVersion,
    IReadOnlyList<ConfigDiagnostic> Errors,
    IReadOnlyList<ConfigDiagnostic> Warnings)
{
    public bool IsValid => Kind is not null && Errors.Count == 0;
}
