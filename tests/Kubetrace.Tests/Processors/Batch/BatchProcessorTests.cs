using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;
using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Processors.Batch;

public class BatchProcessorTests
{
    private static readonly TimeSpan Never = TimeSpan.FromHours(1);

    private static (BatchProcessor Processor, RecordingConsumer Next, MetricsRegistry Metrics) Start(BatchConfig config)
    {
        var next = new RecordingConsumer();
        var metrics = new MetricsRegistry();
        var processor = new BatchProcessor(TestSettings.For("batch", metrics), config, next);
        processor.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (processor, next, metrics);
    }

    [Fact]
    public async Task Sends_everything_pending_once_send_batch_size_is_reached_and_the_rest_at_shutdown()
    {
        var (processor, next, metrics) = Start(new BatchConfig { SendBatchSize = 10, Timeout = Never });

        for (var i = 0; i < 5; i++) await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 4)), default);
        await next.WaitForBatchesAsync(1);
        await processor.ShutdownAsync(default);

        // Without send_batch_max_size the batch that crosses the size goes whole, as in the Collector.
        Assert.Equal([12, 8], next.SpanCounts);
        Assert.Contains("otelcol_processor_batch_batch_size_trigger_send_total{processor=\"batch\"} 1\n", metrics.Render());
        Assert.Contains("otelcol_processor_batch_batch_send_size_count{processor=\"batch\"} 2\n", metrics.Render());
        Assert.Contains("otelcol_processor_batch_batch_send_size_bucket{processor=\"batch\",le=\"10\"} 1\n", metrics.Render());
    }

    [Fact]
    public async Task A_partial_batch_is_sent_when_the_clock_passes_the_timeout_and_not_before()
    {
        var clock = new ManualClock();
        var timeout = TimeSpan.FromSeconds(10);
        var next = new RecordingConsumer();
        var test = new TestSettings("batch");
        var processor = new BatchProcessor(test.Settings with { Clock = clock }, new BatchConfig { SendBatchSize = 1000, Timeout = timeout }, next);
        await processor.StartAsync(default);

        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 3)), default);
        await Wait.UntilAsync(() => clock.TimersAsked.Count == 1, "the processor set its timeout for the pending spans");
        clock.Advance(timeout - TimeSpan.FromMilliseconds(1));
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 2)), default);
        await Wait.UntilAsync(() => clock.TimersAsked.Count == 2, "the processor took the second input and waited again");

        // 1 ms before the timeout the second input joined the pending batch, and the processor waits for the rest.
        Assert.Empty(next.Received);
        Assert.Equal([timeout, TimeSpan.FromMilliseconds(1)], clock.TimersAsked);

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await next.WaitForBatchesAsync(1);

        Assert.Equal([5], next.SpanCounts);
        var text = test.Metrics.Render();
        Assert.Contains("otelcol_processor_batch_timeout_trigger_send_total{processor=\"batch\"} 1\n", text);
        Assert.Contains("otelcol_processor_batch_batch_size_trigger_send_total{processor=\"batch\"} 0\n", text);
        await processor.ShutdownAsync(default);
    }

    [Fact]
    public async Task Zero_timeout_sends_each_input_at_once()
    {
        var (processor, next, _) = Start(new BatchConfig { SendBatchSize = 1000, Timeout = TimeSpan.Zero });

        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 3)), default);
        await next.WaitForBatchesAsync(1);

        Assert.Equal([3], next.SpanCounts);
        await processor.ShutdownAsync(default);
    }

    [Fact]
    public async Task Splits_to_honour_send_batch_max_size_keeping_every_span_with_its_resource_and_scope()
    {
        var (processor, next, _) = Start(new BatchConfig { SendBatchSize = 10, SendBatchMaxSize = 10, Timeout = Never });
        // 6 spans each, over 2 resources x 2 scopes (2 + 1 spans), so that cuts fall inside resources and scopes.
        var inputs = Enumerable.Range(0, 4).Select(i => OriginLabelledRequests.Request($"svc{i}", 2, 2, 1)).ToList();
        // The second arrives as objects (JSON receiver), the others as bytes.
        var batches = inputs.Select((r, i) => i == 1 ? TraceBatch.FromRequest(r) : SampleRequests.Encoded(r));
        foreach (var batch in batches) await processor.ConsumeAsync(batch, default);
        await processor.ShutdownAsync(default);

        Assert.Equal([10, 10, 4], next.SpanCounts);
        Assert.Equal(inputs.SelectMany(OriginLabelledRequests.Flatten).ToList(), OriginLabelledRequests.Flatten(next.Received));
        // Each output is a valid request on its own: decoded from its bytes, it still holds its spans.
        Assert.All(next.Received, b =>
            Assert.Equal(b.SpanCount, TraceBatch.CountSpans(global::Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest.Parser.ParseFrom(b.Encoded.Span))));
    }

    [Fact]
    public async Task Merges_encoded_inputs_by_concatenating_their_bytes()
    {
        var (processor, next, _) = Start(new BatchConfig { SendBatchSize = 9, Timeout = Never });
        var inputs = Enumerable.Range(0, 3).Select(i => SampleRequests.Encoded(OriginLabelledRequests.Request($"svc{i}", 1, 1, 2))).ToList();

        foreach (var batch in inputs) await processor.ConsumeAsync(batch, default);
        await next.WaitForBatchesAsync(1);

        var merged = Assert.Single(next.Received);
        Assert.True(merged.HasEncoded);
        Assert.Equal(inputs.SelectMany(b => b.Encoded.ToArray()).ToArray(), merged.Encoded.ToArray());
        var expected = new global::Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest();
        foreach (var input in inputs) expected.ResourceSpans.Add(input.Request.ResourceSpans);
        Assert.Equal(expected, merged.Request);
        await processor.ShutdownAsync(default);
    }

    [Fact]
    public async Task Shutdown_flushes_everything_accepted_and_later_input_is_refused_as_retryable()
    {
        var (processor, next, _) = Start(new BatchConfig { SendBatchSize = 1000, Timeout = Never });
        var inputs = Enumerable.Range(0, 5).Select(i => OriginLabelledRequests.Request($"svc{i}", 1, 2)).ToList();
        foreach (var input in inputs) await processor.ConsumeAsync(SampleRequests.Encoded(input), default);

        await processor.ShutdownAsync(default);
        await processor.ShutdownAsync(default); // idempotent

        Assert.Equal(inputs.SelectMany(OriginLabelledRequests.Flatten).ToList(), OriginLabelledRequests.Flatten(next.Received));
        var refused = await Assert.ThrowsAsync<ConsumerException>(() =>
            processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("late", 1, 1)), default).AsTask());
        Assert.Equal(ConsumerErrorKind.Unavailable, refused.Kind);
    }

    [Fact]
    public async Task A_shutdown_that_runs_out_of_time_returns_and_counts_what_it_could_not_send()
    {
        var (processor, next, metrics) = Start(new BatchConfig { SendBatchSize = 1000, Timeout = Never });
        next.Hold(); // the exporter never answers
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 5)), default);

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await processor.ShutdownAsync(deadline.Token);

        await Wait.UntilAsync(() => metrics.Render().Contains("otelcol_processor_dropped_spans_total{processor=\"batch\"} 5\n"), "5 spans counted as dropped");
        Assert.Equal([5], next.SpanCounts);
    }

    [Fact]
    public async Task A_slow_next_consumer_holds_callers_back_instead_of_buffering_without_bound()
    {
        var (processor, next, _) = Start(new BatchConfig { SendBatchSize = 1, Timeout = Never });
        next.Hold();
        var calls = new List<Task>();
        var inputs = Enumerable.Range(0, BatchProcessor.InputCapacity + 10).Select(i => OriginLabelledRequests.Request($"svc{i}", 1, 1)).ToList();
        foreach (var input in inputs) calls.Add(processor.ConsumeAsync(SampleRequests.Encoded(input), default).AsTask());
        await next.WaitForBatchesAsync(1);

        // One batch is being sent, the input queue is full, every later caller waits.
        var expectedAccepted = BatchProcessor.InputCapacity + 1;
        await Wait.UntilAsync(() => calls.Count(c => c.IsCompleted) >= expectedAccepted, $"{expectedAccepted} callers accepted");
        await Task.Delay(200); // not a wait: a time in which no further caller may be accepted
        Assert.Equal(expectedAccepted, calls.Count(c => c.IsCompletedSuccessfully));
        Assert.Single(next.Received);

        next.Release();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));
        await processor.ShutdownAsync(default);
        Assert.Equal(inputs.SelectMany(OriginLabelledRequests.Flatten).ToList(), OriginLabelledRequests.Flatten(next.Received));
    }

    [Fact]
    public async Task Failures_of_the_next_consumer_are_counted_as_dropped_and_batching_goes_on()
    {
        var (processor, next, metrics) = Start(new BatchConfig { SendBatchSize = 2, Timeout = Never });
        next.FailWith = ConsumerException.Unavailable("exporter down");

        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 2)), default);
        await next.WaitForBatchesAsync(1);
        next.FailWith = null;
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, 3)), default);
        await processor.ShutdownAsync(default);

        Assert.Equal([2, 3], next.SpanCounts);
        var text = metrics.Render();
        Assert.Contains("otelcol_processor_dropped_spans_total{processor=\"batch\"} 2\n", text);
        Assert.Contains("otelcol_processor_accepted_spans_total{processor=\"batch\"} 5\n", text);
    }

    [Fact]
    public async Task Metadata_keys_keep_batches_of_different_values_apart_up_to_the_cardinality_limit()
    {
        var (processor, next, metrics) = Start(new BatchConfig
        {
            SendBatchSize = 1000, Timeout = Never, MetadataKeys = ["X-Tenant"], MetadataCardinalityLimit = 2,
        });
        Dictionary<string, string> Tenant(string name) => new() { ["x-tenant"] = name, ["user-agent"] = "test" };

        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("a1", 1, 1), Tenant("a")), default);
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("b1", 1, 2), Tenant("b")), default);
        await processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("a2", 1, 3), Tenant("a")), default);
        var refused = await Assert.ThrowsAsync<ConsumerException>(() =>
            processor.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("c1", 1, 1), Tenant("c")), default).AsTask());
        Assert.Equal(ConsumerErrorKind.Permanent, refused.Kind);
        Assert.Contains("otelcol_processor_batch_metadata_cardinality{processor=\"batch\"} 2\n", metrics.Render());
        await processor.ShutdownAsync(default);

        var byTenant = next.Received.ToDictionary(b => b.Metadata!["x-tenant"], b => b.SpanCount);
        Assert.Equal(new Dictionary<string, int> { ["a"] = 4, ["b"] = 2 }, byTenant);
        // Only the configured keys travel on with the batch.
        Assert.All(next.Received, b => Assert.Equal(["x-tenant"], b.Metadata!.Keys));
    }

}
