using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Telemetry;

public class MetricsRegistryTests
{
    [Fact]
    public void Counters_render_in_prometheus_text_format_with_total_suffix_and_escaped_labels()
    {
        var registry = new MetricsRegistry();
        registry.Counter("otelcol_receiver_accepted_spans", "Spans accepted.", ("receiver", "otlp"), ("transport", "grpc")).Add(3);
        registry.Counter("otelcol_receiver_accepted_spans", "Spans accepted.", ("receiver", "otlp"), ("transport", "grpc")).Add(2);
        registry.Counter("otelcol_receiver_accepted_spans", "Spans accepted.", ("receiver", "a\"b"), ("transport", "http")).Add(1);
        registry.Gauge("otelcol_exporter_queue_size", "Queue size.", () => 7, ("exporter", "otlp"));

        var text = registry.Render();

        Assert.Equal(
            "# HELP otelcol_exporter_queue_size Queue size.\n" +
            "# TYPE otelcol_exporter_queue_size gauge\n" +
            "otelcol_exporter_queue_size{exporter=\"otlp\"} 7\n" +
            "# HELP otelcol_receiver_accepted_spans_total Spans accepted.\n" +
            "# TYPE otelcol_receiver_accepted_spans_total counter\n" +
            "otelcol_receiver_accepted_spans_total{receiver=\"a\\\"b\",transport=\"http\"} 1\n" +
            "otelcol_receiver_accepted_spans_total{receiver=\"otlp\",transport=\"grpc\"} 5\n",
            text);
    }
}
