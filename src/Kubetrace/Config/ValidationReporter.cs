using Kubetrace.Components;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Config;

/// <summary>Runs a config's <see cref="IValidatableConfig.Validate"/> and reports each problem at the line it names.</summary>
public static class ValidationReporter
{
    public static void Report(ConfigDiagnostics diagnostics, object settings, YamlNode keyNode, YamlNode valueNode, string path)
    {
        if (settings is not IValidatableConfig validatable) return;
        foreach (var problem in validatable.Validate())
        {
            var at = ProblemLocator.Locate(keyNode, valueNode, settings.GetType(), problem.Key);
            var fullPath = KeyPath.Split(problem.Key).Aggregate(path, KeyPath.Join);
            diagnostics.Error(at, fullPath, problem.Message);
        }
    }
}
