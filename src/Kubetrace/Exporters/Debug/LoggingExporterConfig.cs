using Kubetrace.Components;
using Kubetrace.Config;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// Config of the deprecated <c>logging</c> exporter: the debug settings plus the older <c>loglevel</c>
/// (debug → detailed, info → normal, otherwise basic), which wins when set, as it did in the Collector.
/// </summary>
public sealed class LoggingExporterConfig : IValidatableConfig, IConfigWithWarnings
{
    private static readonly string[] LogLevels = ["debug", "info", "warn", "error"];

    // A string rather than an enum so that "absent" (use verbosity) is distinguishable from a value.
    [ConfigKey("loglevel", "logLevel")]
    public string? LogLevel { get; set; }

    public Verbosity Verbosity { get; set; } = Verbosity.Basic;

    public int SamplingInitial { get; set; } = 2;

    public int SamplingThereafter { get; set; } = 1;

    /// <summary>The equivalent debug exporter config.</summary>
    public DebugExporterConfig ToDebugConfig() => new()
    {
        Verbosity = LogLevel?.ToLowerInvariant() switch
        {
            null => Verbosity,
            "debug" => Verbosity.Detailed,
            "info" => Verbosity.Normal,
            _ => Verbosity.Basic,
        },
        SamplingInitial = SamplingInitial,
        SamplingThereafter = SamplingThereafter,
    };

    public IEnumerable<ConfigProblem> Warnings()
    {
        yield return new ConfigProblem("", "the logging exporter is deprecated (as in the Collector): use debug; loglevel maps to verbosity");
    }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (LogLevel is not null && !LogLevels.Contains(LogLevel.ToLowerInvariant()))
            yield return new ConfigProblem("loglevel", $"unknown level \"{LogLevel}\": use one of {string.Join(", ", LogLevels)}");
        foreach (var problem in ToDebugConfig().Validate()) yield return problem;
    }
}
