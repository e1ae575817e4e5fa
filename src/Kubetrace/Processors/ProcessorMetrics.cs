using Kubetrace.Components;
using Kubetrace.Telemetry;

namespace Kubetrace.Processors;

/// <summary>
/// The Collector's per-processor span counters (<c>otelcol_processor_accepted_spans</c>, <c>..._refused_spans</c>,
/// <c>..._dropped_spans</c>, label <c>processor</c>), created once so that the hot path is one atomic add.
/// </summary>
/// <remarks>
/// <see cref="PerBatchProcessor"/> records them for every processor built on it; a processor that implements
/// <see cref="IProcessor"/> directly creates one of these to report the same series.
/// </remarks>
public sealed class ProcessorMetrics
{
    public ProcessorMetrics(ComponentSettings settings)
    {
        var label = ("processor", settings.Id.ToString());
        Accepted = settings.Metrics.Counter("otelcol_processor_accepted_spans",
            "Number of spans successfully pushed into the next component of the pipeline.", label);
        Refused = settings.Metrics.Counter("otelcol_processor_refused_spans",
            "Number of spans refused by the processor (the caller got an error and may retry).", label);
        Dropped = settings.Metrics.Counter("otelcol_processor_dropped_spans",
            "Number of spans the processor removed on purpose (filtered, sampled out) or lost after accepting them.", label);
    }

    public Counter Accepted { get; }

    public Counter Refused { get; }

    public Counter Dropped { get; }
}
