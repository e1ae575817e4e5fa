using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Tests.TestSupport;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Tests.Processors.Conformance;

/// <summary>
/// The Collector's own processor configs (<c>shared/conformance/collector-configs</c>), read as the Collector's
/// config tests read them: only the processors (the files also name logs pipelines and receivers Kubetrace does not
/// have). A file is either a whole Collector config (with <c>processors:</c>) or just the processors' mapping.
/// </summary>
internal static class CollectorConfigs
{
    public const string Folder = "conformance/collector-configs";

    /// <summary>The folder, or null on a developer machine without it; under CI=true its absence fails the test.</summary>
    public static string? Directory()
    {
        var path = RepoPaths.Shared is null ? null : Path.Combine(RepoPaths.Shared, Folder);
        if (path is not null && System.IO.Directory.Exists(path)) return path;
        if (Environment.GetEnvironmentVariable("CI") == "true")
            Assert.Fail($"the shared folder's {Folder} is missing (CI=true: it must be laid beside the clone)");
        return null;
    }

    public static IEnumerable<string> Files(string processor)
    {
        var directory = Directory();
        if (directory is null) return [];
        return System.IO.Directory.GetFiles(Path.Combine(directory, processor), "*.yaml").Order(StringComparer.Ordinal);
    }

    /// <summary>A file of the folder (e.g. <c>redaction/config.yaml</c>); null (the test returns early) only off CI.</summary>
    public static string? FindFile(string relative)
    {
        var directory = Directory();
        if (directory is null) return null;
        var path = Path.Combine(directory, relative);
        Assert.True(File.Exists(path), $"{relative} is missing from {directory}");
        return path;
    }

    public static (Dictionary<ComponentId, ComponentConfig> Processors, ConfigDiagnostics Diagnostics) Load(string path)
    {
        var name = Path.GetFileName(path);
        var diagnostics = new ConfigDiagnostics(name);
        var root = YamlDocumentReader.Read(File.ReadAllText(path), name, diagnostics);
        Assert.NotNull(root);
        var section = root.Children.TryGetValue(new YamlScalarNode("processors"), out var processors) ? processors : root;
        var (components, _) = new ComponentSectionReader(ComponentCatalog.Default, diagnostics).Read(section, "processors", ComponentKind.Processor);
        return (components, diagnostics);
    }

    public static T Settings<T>(Dictionary<ComponentId, ComponentConfig> processors, string id)
    {
        ComponentId.TryParse(id, out var parsed, out _);
        return (T)processors[parsed].Settings;
    }
}
