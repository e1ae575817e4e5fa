using Kubetrace.Components;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Processors;
using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Processors;

public class PerBatchProcessorTests
{
    /// <summary>A processor as later issues will write them: keeps the first resource of each batch, drops batches named "drop".</summary>
    private sealed class KeepFirstResource(ComponentSettings settings, ITraceConsumer next) : PerBatchProcessor(settings, next)
    {
        protected override TraceBatch? Process(TraceBatch batch)
        {
            var first = batch.Request.ResourceSpans[0];
            if (first.Resource.Attributes[0].Value.StringValue == "drop-0") return null;
            if (batch.Request.ResourceSpans.Count == 1) return batch;
            return batch.WithRequest(new ExportTraceServiceRequest { ResourceSpans = { first } });
        }
    }

    [Fact]
    public async Task Forwards_what_process_returns_and_counts_accepted_and_dropped_spans()
    {
        var next = new RecordingConsumer();
        var metrics = new MetricsRegistry();
        var processor = new KeepFirstResource(TestSettings.For("filter/test", metrics), next);
        var twoResources = OriginLabelledRequests.Request("svc", 2, 3);

        await processor.ConsumeAsync(SampleRequests.Encoded(twoResources), default);
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("one", 1, 2)), default);
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("drop", 1, 4)), default);

        Assert.Equal([3, 2], next.SpanCounts);
        Assert.Equal(OriginLabelledRequests.Flatten(twoResources).Take(3), OriginLabelledRequests.Flatten([next.Received[0]]));
        var text = metrics.Render();
        Assert.Contains("otelcol_processor_accepted_spans_total{processor=\"filter/test\"} 12\n", text);
        Assert.Contains("otelcol_processor_dropped_spans_total{processor=\"filter/test\"} 7\n", text);
        Assert.Contains("otelcol_processor_refused_spans_total{processor=\"filter/test\"} 0\n", text);
    }
}
