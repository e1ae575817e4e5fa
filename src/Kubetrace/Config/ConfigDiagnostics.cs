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
    private readonly Dictionary<YamlNode, (string Source, bool WithPositions)> _nodeSources = new(ReferenceEqualityComparer.Instance);

    public string Source { get; } = source;

    public IReadOnlyList<ConfigDiagnostic> Errors => _errors;

    public IReadOnlyList<ConfigDiagnostic> Warnings => _warnings;

    public bool HasErrors => _errors.Count > 0;

    public void Error(YamlNode? at, string keyPath, string message) => _errors.Add(Create(at, keyPath, message));

    public void Warning(YamlNode? at, string keyPath, string message) => _warnings.Add(Create(at, keyPath, message));

    public void Error(string source, int line, int column, string keyPath, string message) =>
        _errors.Add(new ConfigDiagnostic(source, line, column, keyPath, message));

    /// <summary>A warning at a position of a file that is not YAML (containerd's TOML, a file of etcd flags).</summary>
    public void Warning(string source, int line, int column, string keyPath, string message) =>
        _warnings.Add(new ConfigDiagnostic(source, line, column, keyPath, message));

    /// <summary>Records that every node under <paramref name="root"/> was read from <paramref name="source"/>.</summary>
    /// <param name="withPositions">False for nodes that were not read from a file (<c>--set</c>): no line to show.</param>
    public void AddSource(YamlNode root, string source, bool withPositions = true)
    {
        foreach (var node in root.AllNodes) _nodeSources[node] = (source, withPositions);
    }

    private ConfigDiagnostic Create(YamlNode? at, string keyPath, string message)
    {
        if (at is null) return new ConfigDiagnostic(Source, 0, 0, keyPath, message);
        var (source, withPositions) = _nodeSources.GetValueOrDefault(at, (Source, true));
        return withPositions
            ? new ConfigDiagnostic(source, (int)at.Start.Line, (int)at.Start.Column, keyPath, message)
            : new ConfigDiagnostic(source, 0, 0, keyPath, message);
    }
}
