using System.CommandLine;
using Kubetrace.Config;

namespace Kubetrace.Cli;

/// <summary>The <c>--config FILE</c> option shared by <c>serve</c> and <c>validate</c>, and how a file is loaded for them.</summary>
public static class ConfigOption
{
    /// <summary>May be repeated; the files are merged in order, later ones winning, as in the Collector.</summary>
    public static Option<string[]> Create(string description) => new("--config", "-c") { Description = description };

    /// <summary><c>--set key::path=value</c>, repeatable, applied over the files as in the Collector.</summary>
    public static Option<string[]> CreateSet() =>
        new("--set") { Description = "Override one setting, e.g. --set processors::batch::timeout=2s (repeatable)" };

    /// <summary>Loads and merges <paramref name="paths"/> (or the built-in default configuration when there are none), then the overrides.</summary>
    public static ConfigLoadResult Load(IReadOnlyList<string> paths, IReadOnlyList<string> overrides, ComponentCatalog? catalog = null)
    {
        var loader = new ConfigLoader(catalog ?? ComponentCatalog.Default);
        return paths.Count == 0
            ? loader.Load(DefaultConfig.Yaml, DefaultConfig.SourceName, overrides)
            : loader.LoadFiles(paths, overrides);
    }

    /// <summary>Prints every error (and warning) of a failed load, one per line, as compilers do.</summary>
    public static void PrintDiagnostics(ConfigLoadResult result, TextWriter writer) =>
        PrintDiagnostics(result.Errors, result.Warnings, writer);

    public static void PrintDiagnostics(IEnumerable<ConfigDiagnostic> errors, IEnumerable<ConfigDiagnostic> warnings, TextWriter writer)
    {
        foreach (var error in errors) writer.WriteLine(error);
        foreach (var warning in warnings) writer.WriteLine($"warning: {warning}");
    }
}
