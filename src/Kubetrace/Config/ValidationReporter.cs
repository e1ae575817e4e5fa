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
                diagnostics.Warning(Locate(problem), FullPath(problem), problem.Message);
        if (settings is not IValidatableConfig validatable) return;
        foreach (var problem in validatable.Validate())
            diagnostics.Error(Locate(problem), FullPath(problem), problem.Message);

        YamlNode Locate(ConfigProblem problem) => ProblemLocator.Locate(keyNode, valueNode, settings.GetType(), problem.Key);
        string FullPath(ConfigProblem problem) => KeyPath.Split(problem.Key).Aggregate(path, KeyPath.Join);
    }
}
