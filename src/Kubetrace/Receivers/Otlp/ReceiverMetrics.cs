using Kubetrace.Telemetry;

namespace Kubetrace.Receivers.Otlp;

/// <summary>
/// The Collector's receiver metrics for one receiver and transport: spans pushed into the pipeline, and spans
/// refused (invalid, or refused by the pipeline).
/// </summary>
public sealed class ReceiverMetrics(MetricsRegistry registry, string receiver, string transport)
{
    public Counter AcceptedSpans { get; } = registry.Counter("otelcol_receiver_accepted_spans",
        "Number of spans successfully pushed into the pipeline.", ("receiver", receiver), ("transport", transport));

    public Counter RefusedSpans { get; } = registry.Counter("otelcol_receiver_refused_spans",
        "Number of spans that could not be pushed into the pipeline.", ("receiver", receiver), ("transport", transport));
}
