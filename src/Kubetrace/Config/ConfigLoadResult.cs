namespace Kubetrace.Config;

/// <summary>The outcome of loading a configuration: the config when it is valid, and every error and warning.</summary>
public sealed record ConfigLoadResult(
    ServiceConfig? Config,
    IReadOnlyList<ConfigDiagnostic> Errors,
    IReadOnlyList<ConfigDiagnostic> Warnings)
{
    public bool IsValid => Config is not null && Errors.Count == 0;
}
