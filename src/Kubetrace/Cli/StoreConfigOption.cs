using System.CommandLine;
using Kubetrace.Exporters.Kubetrace;

namespace Kubetrace.Cli;

/// <summary>
/// How <c>kubetrace store</c> commands find a store's settings: the <c>kubetrace</c> exporter of a configuration
/// file (its <c>path</c> and <c>encryption</c> keys), so that the keys are given the way the server gets them.
/// </summary>
internal static class StoreConfigOption
{
    public static Option<string[]> CreateConfig() =>
        ConfigOption.Create("Configuration file(s) holding the kubetrace exporter (its path and encryption keys)");

    public static Option<string> CreateExporter() =>
        new("--exporter") { Description = "Which kubetrace exporter of the configuration, when it has several (e.g. kubetrace/2)" };

    /// <summary>The exporter's settings, or null after printing why not.</summary>
    public static KubetraceExporterConfig? Load(string[] files, IReadOnlyList<string> overrides, string? exporter, string command, TextWriter error)
    {
        var result = ConfigOption.Load(files, overrides);
        if (!result.IsValid)
        {
            ConfigOption.PrintDiagnostics(result, error);
            return null;
        }
        var stores = result.Config!.Exporters.Values.Where(c => c.Settings is KubetraceExporterConfig && (exporter is null || c.Id.ToString() == exporter)).ToList();
        if (stores.Count == 1) return (KubetraceExporterConfig)stores[0].Settings;
        error.WriteLine(stores.Count == 0
            ? $"kubetrace store {command}: the configuration has no kubetrace exporter{(exporter is null ? "" : $" named {exporter}")}"
            : $"kubetrace store {command}: the configuration has several kubetrace exporters ({string.Join(", ", stores.Select(s => s.Id))}); choose one with --exporter");
        return null;
    }
}
