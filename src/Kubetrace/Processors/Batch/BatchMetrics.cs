using Kubetrace.Components;
using Kubetrace.Telemetry;

namespace Kubetrace.Processors.Batch;

/// <summary>The Collector's batch processor metrics, created once per processor.</summary>
internal sealed class BatchMetrics
{
    // The Collector's bucket bounds for batch_send_size, so that existing dashboards read the same.
    private static readonly double[] SendSizeBounds =
        [10, 25, 50, 75, 100, 250, 500, 750, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 10000, 20000, 30000, 50000, 100000];

    public BatchMetrics(ComponentSettings settings, Func<double> cardinality)
    {
        var label = ("processor", settings.Id.ToString());
        SendSize = settings.Metrics.Histogram("otelcol_processor_batch_batch_send_size",
            "Number of spans in each batch that was sent.", SendSizeBounds, label);
        SizeTriggered = settings.Metrics.Counter("otelcol_processor_batch_batch_size_trigger_send",
            "Number of times the batch was sent due to a size trigger.", label);
        TimeoutTriggered = settings.Metrics.Counter("otelcol_processor_batch_timeout_trigger_send",
            "Number of times the batch was sent due to a timeout trigger.", label);
        settings.Metrics.Gauge("otelcol_processor_batch_metadata_cardinality",
            "Number of distinct metadata value combinations being processed.", cardinality, label);
        Spans = new ProcessorMetrics(settings);
    }

    public Histogram SendSize { get; }

    public Counter SizeTriggered { get; }

    public Counter TimeoutTriggered { get; }

    /// <summary>Accepted (queued), refused (cardinality limit, shutting down), dropped (the next consumer failed).</summary>
    public ProcessorMetrics Spans { get; }
}
