using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Telemetry;

public class HistogramTests
{
    [Fact]
    public void Histograms_render_cumulative_buckets_sum_and_count()
    {
        var registry = new MetricsRegistry();
        var histogram = registry.Histogram("otelcol_processor_batch_batch_send_size", "Batch sizes.", [10, 100], ("processor", "batch"));
        histogram.Record(10);
        histogram.Record(50);
        histogram.Record(1000);

        Assert.Equal(
            "# HELP otelcol_processor_batch_batch_send_size Batch sizes.\n" +
            "# TYPE otelcol_processor_batch_batch_send_size histogram\n" +
            "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"10\"} 1\n" +
            "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"100\"} 2\n" +
            "otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"+Inf\"} 3\n" +
            "otelcol_processor_batch_batch_send_size_sum{processor=\"batch\"} 1060\n" +
            "otelcol_processor_batch_batch_send_size_count{processor=\"batch\"} 3\n",
            registry.Render());
    }
}
