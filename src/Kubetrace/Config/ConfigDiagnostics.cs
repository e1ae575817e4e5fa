using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Collects every error and warning of one load, so that a user fixes a broken file in one pass instead of
/// one error per run. When several files are merged, each node is reported with the file it came from.
/// </summary>
/// <param name="source">The name for problems that belong to no single node (all file names when merged).</param>
public sealed class ConfigDiagnostics(string source)
{
    private readonly List<ConfigDiagnostic> _errors = [];
    private readonly List<ConfigDiagnostic> _warnings = [];
    private readonly Dictionary<YamlNode, string> _nodeSources = new(ReferenceEqualityComparer.Instance);

    public string Source { get; } = source;

    public IReadOnlyList<ConfigDiagnostic> Errors => _errors;

    public IReadOnlyList<ConfigDiagnostic> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Error(YamlNode? at, string keyPath, string message) => _errors.Add(Create(at, keyPath, message));

    public void Warning(YamlNode? at, string keyPath, string message) => _warnings.Add(Create(at, keyPath, message));

    public void Error(string source, int line, int column, string keyPath, string message) =>
        _errors.Add(new ConfigDiagnostic(source, line, column, keyPath, message));

    /// <summary>Records that every node under <paramref name="root"/> was read from <paramref name="source"/>.</summary>
    public void AddSource(YamlNode root, string source)
    {
        foreach (var node in root.AllNodes) _nodeSources[node] = source;
    }

    private ConfigDiagnostic Create(YamlNode? at, string keyPath, string message) =>
        at is null
            ? new ConfigDiagnostic(Source, 0, 0, keyPath, message)
            : new ConfigDiagnostic(_nodeSources.GetValueOrDefault(at, Source), (int)at.Start.Line, (int)at.Start.Column, keyPath, message);
}
