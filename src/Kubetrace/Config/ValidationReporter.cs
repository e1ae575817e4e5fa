using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>
/// Runs a config's <see cref="IValidatableConfig.Validate"/> (errors) and <see cref="IConfigWithWarnings.Warnings"/>
/// and reports each problem at the line it names.
/// </summary>
public static class ValidationReporter
{
    public static void Report(ConfigDiagnostics diagnostics, object settings, YamlNode keyNode, YamlNode valueNode, string path)
    {
        if (settings is IConfigWithWarnings warned)
            foreach (var problem in warned.Warnings())
                diagnostics.Warning(Locate(problem, settings, keyNode, valueNode), FullPath(problem, path), problem.Message);
        if (settings is IValidatableConfig validatable) ReportErrors(diagnostics, validatable.Validate(), settings, keyNode, valueNode, path);
    }

    /// <summary>Reports <paramref name="problems"/> found in <paramref name="settings"/> as errors, each at the line it names.</summary>
    public static void ReportErrors(ConfigDiagnostics diagnostics, IEnumerable<ConfigProblem> problems, object settings, YamlNode keyNode, YamlNode valueNode, string path)
    {
        foreach (var problem in problems)
            diagnostics.Error(Locate(problem, settings, keyNode, valueNode), FullPath(problem, path), problem.Message);
    }

    private static YamlNode Locate(ConfigProblem problem, object settings, YamlNode keyNode, YamlNode valueNode) =>
        ProblemLocator.Locate(keyNode, valueNode, settings.GetType(), problem.Key);

    private static string FullPath(ConfigProblem problem, string path) => KeyPath.Split(problem.Key).Aggregate(path, KeyPath.Join);
}
