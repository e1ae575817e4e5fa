using System.CommandLine;
using Kubetrace.Config;

namespace Kubetrace.Cli;

/// <summary>The <c>--config FILE</c> option shared by <c>serve</c> and <c>validate</c>, and how a file is loaded for them.</summary>
public static class ConfigOption
{
    public static Option<string?> Create(string description) => new("--config", "-c") { Description = description };

    /// <summary>Loads <paramref name="path"/>, or the built-in default configuration when it is null.</summary>
    public static ConfigLoadResult Load(string? path)
    {
        var loader = new ConfigLoader(ComponentCatalog.Default);
        return path is null ? loader.Load(DefaultConfig.Yaml, DefaultConfig.SourceName) : loader.LoadFile(path);
    }

    /// <summary>Prints every error (and warning) of a failed load, one per line, as compilers do.</summary>
    public static void PrintDiagnostics(ConfigLoadResult result, TextWriter writer)
    {
        foreach (var error in result.Errors) writer.WriteLine(error);
        foreach (var warning in result.Warnings) writer.WriteLine($"warning: {warning}");
    }
}
