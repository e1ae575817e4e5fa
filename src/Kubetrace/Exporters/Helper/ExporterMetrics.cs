using Kubetrace.Components;
using Kubetrace.Telemetry;

namespace Kubetrace.Exporters.Helper;

/// <summary>The Collector's exporter counters for one exporter, looked up once so the hot path is an add.</summary>
public sealed class ExporterMetrics
{
    public ExporterMetrics(MetricsRegistry registry, ComponentId id)
    {
        Label = ("exporter", id.ToString());
        Sent = registry.Counter("otelcol_exporter_sent_spans",
            "Number of spans successfully sent to destination.", Label);
        SendFailed = registry.Counter("otelcol_exporter_send_failed_spans",
            "Number of spans in failed attempts to send to destination.", Label);
        EnqueueFailed = registry.Counter("otelcol_exporter_enqueue_failed_spans",
            "Number of spans failed to be added to the sending queue.", Label);
        Registry = registry;
    }

    public (string Key, string Value) Label { get; }

    public MetricsRegistry Registry { get; }

    public Counter Sent { get; }

    public Counter SendFailed { get; }

    public Counter EnqueueFailed { get; }
}
