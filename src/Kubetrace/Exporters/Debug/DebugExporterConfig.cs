using Kubetrace.Components;

namespace Kubetrace.Exporters.Debug;

/// <summary>How much the debug exporter prints, as in the Collector.</summary>
public enum Verbosity
{
    /// <summary>One summary line per batch.</summary>
    Basic,

    /// <summary>One line per span.</summary>
    Normal,

    /// <summary>Every field of every span.</summary>
    Detailed,
}

/// <summary>Config of the <c>debug</c> exporter.</summary>
public sealed class DebugExporterConfig : IValidatableConfig
{
    public Verbosity Verbosity { get; set; } = Verbosity.Basic;

    /// <summary>Batches printed per second before sampling starts.</summary>
    public int SamplingInitial { get; set; } = 2;

    /// <summary>After the initial ones, every Nth batch of the same second is printed.</summary>
    public int SamplingThereafter { get; set; } = 1;

    public IEnumerable<ConfigProblem> Validate()
    {
        if (SamplingInitial < 0) yield return new ConfigProblem("sampling_initial", "must not be negative");
        if (SamplingThereafter < 1) yield return new ConfigProblem("sampling_thereafter", "must be at least 1");
    }
}
