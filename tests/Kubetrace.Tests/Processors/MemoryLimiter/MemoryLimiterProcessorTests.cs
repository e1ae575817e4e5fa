using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Processors.MemoryLimiter;
using Kubetrace.Telemetry;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

public class MemoryLimiterProcessorTests
{
    private const long MiB = 1024 * 1024;

    // Hard limit 100 MiB, spike 20 MiB: data is refused from 80 MiB.
    private static readonly MemoryLimits Limits = new(100 * MiB, 20 * MiB);

    private readonly ScriptedMemory _memory = new();
    private readonly ManualClock _clock = new();
    private readonly RecordingConsumer _next = new();
    private readonly MetricsRegistry _metrics = new();
    private readonly MemoryLimiterProcessor _limiter;

    public MemoryLimiterProcessorTests()
    {
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 };
        _limiter = new MemoryLimiterProcessor(TestSettings.For("memory_limiter", _metrics), config, _next, Limits, _memory, _clock);
    }

    private ValueTask Send(int spans) => _limiter.ConsumeAsync(SampleRequests.Encoded(OriginLabelledRequests.Request("svc", 1, spans)), default);

    [Fact]
    public async Task Passes_data_on_below_the_soft_limit()
    {
        _memory.InUse = 79 * MiB;
        _limiter.CheckMemory();

        await Send(3);

        Assert.Equal([3], _next.SpanCounts);
        Assert.Empty(_memory.Collections);
    }

    [Fact]
    public async Task Refuses_with_a_retryable_resource_exhausted_error_above_the_soft_limit_and_recovers_when_memory_falls()
    {
        _memory.InUse = 85 * MiB; // a GC frees nothing: live data
        _limiter.CheckMemory();

        var refused = await Assert.ThrowsAsync<ConsumerException>(() => Send(2).AsTask());
        Assert.Equal(ConsumerErrorKind.ResourceExhausted, refused.Kind);
        Assert.True(refused.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.Equal("data refused due to high memory usage", refused.Message);
        Assert.Empty(_next.Received);

        _memory.InUse = 60 * MiB; // the exporters drained their queues
        _limiter.CheckMemory();
        await Send(4);

        Assert.Equal([4], _next.SpanCounts);
        var text = _metrics.Render();
        Assert.Contains("otelcol_processor_refused_spans_total{processor=\"memory_limiter\"} 2\n", text);
        Assert.Contains("otelcol_processor_accepted_spans_total{processor=\"memory_limiter\"} 4\n", text);
    }

    [Fact]
    public async Task Collects_garbage_before_refusing_and_does_not_refuse_when_that_was_enough()
    {
        _memory.InUse = 90 * MiB;
        _memory.AfterCollection = 30 * MiB;
        _limiter.CheckMemory();

        await Send(1);

        Assert.False(_limiter.IsRefusing);
        Assert.Equal([false], _memory.Collections);
        Assert.Equal([1], _next.SpanCounts);
    }

    [Fact]
    public void Forces_a_compacting_gc_at_every_check_above_the_hard_limit_but_above_the_soft_one_only_every_min_interval()
    {
        _memory.InUse = 120 * MiB;
        _limiter.CheckMemory();
        _limiter.CheckMemory();
        Assert.Equal([true, true], _memory.Collections); // min_gc_interval_when_hard_limited defaults to 0
        Assert.True(_limiter.IsRefusing);

        _memory.InUse = 50 * MiB;
        _limiter.CheckMemory();
        _memory.InUse = 85 * MiB;
        _limiter.CheckMemory(); // soft limit again, last GC just now: refuse without collecting
        Assert.Equal([true, true], _memory.Collections);
        Assert.True(_limiter.IsRefusing);

        _memory.InUse = 50 * MiB;
        _limiter.CheckMemory();
        _clock.Advance(TimeSpan.FromSeconds(10)); // min_gc_interval_when_soft_limited
        _memory.InUse = 85 * MiB;
        _limiter.CheckMemory();
        Assert.Equal([true, true, false], _memory.Collections);
    }

    [Fact]
    public async Task Started_it_measures_in_the_background_without_being_asked()
    {
        _memory.InUse = 85 * MiB;

        await _limiter.StartAsync(default);
        await Wait.UntilAsync(() => _limiter.IsRefusing, "the background check saw 85 MiB in use and began refusing");
        await _limiter.ShutdownAsync(default);
    }

    [Fact]
    public void Both_processors_are_registered_under_the_collectors_type_names()
    {
        Assert.IsType<MemoryLimiterProcessorFactory>(ComponentRegistry.Find(ComponentKind.Processor, "memory_limiter"));
        Assert.IsType<Kubetrace.Processors.Batch.BatchProcessorFactory>(ComponentRegistry.Find(ComponentKind.Processor, "batch"));
    }
}
