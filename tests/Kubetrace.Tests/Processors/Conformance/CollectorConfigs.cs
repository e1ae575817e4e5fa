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

    /// <summary>The folder, or null when it is absent (for a static field, which must not skip).</summary>
    private static string? Existing() =>
        RepoPaths.Shared is { } shared && System.IO.Directory.Exists(Path.Combine(shared, Folder)) ? Path.Combine(shared, Folder) : null;

    /// <summary>The folder; when it is absent the test is skipped, or fails under CI=true (see <see cref="Requires"/>).</summary>
    public static string Directory()
    {
        var directory = Existing();
        Requires.Present(directory is null ? $"the shared folder's {Folder} is missing" : null, "CI lays the shared folder beside the clone.");
        return directory!;
    }

    public static IEnumerable<string> Files(string processor) =>
        System.IO.Directory.GetFiles(Path.Combine(Directory(), processor), "*.yaml").Order(StringComparer.Ordinal);

    /// <summary>A file of the folder (e.g. <c>redaction/config.yaml</c>); skips (fails under CI) without the folder.</summary>
    public static string FindFile(string relative)
    {
        var path = Path.Combine(Directory(), relative);
        Assert.True(File.Exists(path), $"{relative} is missing from {Path.GetDirectoryName(path)}");
        return path;
    }

    /// <summary>A file of the folder, or null when the folder is absent: for static fields; the tests then call <see cref="Directory"/>.</summary>
    public static string? FindFileIfPresent(string relative) => Existing() is { } directory ? Path.Combine(directory, relative) : null;

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
