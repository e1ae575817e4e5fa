using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Collects every error and warning of one load, so that a user fixes a broken file in one pass instead of
/// one error per run.
/// </summary>
public sealed class ConfigDiagnostics(string source)
{
    private readonly List<ConfigDiagnostic> _errors = [];
    private readonly List<ConfigDiagnostic> _warnings = [];

    public string Source { get; } = source;

    public IReadOnlyList<ConfigDiagnostic> Errors => _errors;

    public IReadOnlyList<ConfigDiagnostic> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Error(YamlNode? at, string keyPath, string message) => _errors.Add(Create(at, keyPath, message));

    public void Warning(YamlNode? at, string keyPath, string message) => _warnings.Add(Create(at, keyPath, message));

    public void Error(int line, int column, string keyPath, string message) =>
        _errors.Add(new ConfigDiagnostic(Source, line, column, keyPath, message));

    private ConfigDiagnostic Create(YamlNode? at, string keyPath, string message) =>
        at is null
            ? new ConfigDiagnostic(Source, 0, 0, keyPath, message)
            : new ConfigDiagnostic(Source, (int)at.Start.Line, (int)at.Start.Column, keyPath, message);
}
