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
    public async Task Measures_before_its_next_tick_once_a_sixteenth_of_the_room_under_the_soft_limit_has_been_let_through()
    {
        _memory.InUse = 48 * MiB; // 32 MiB of room under the soft limit: measured again after 2 MiB of data
        _limiter.CheckMemory();
        var batch = SampleRequests.Batch(2000);
        var sentBeforeTheStep = (int)(2 * MiB / batch.EncodedSize);
        for (var i = 0; i < sentBeforeTheStep; i++) await _limiter.ConsumeAsync(batch, default);

        _memory.InUse = 81 * MiB; // the data took more than the room, faster than one check interval
        Assert.False(_limiter.IsRefusing);
        await _limiter.ConsumeAsync(batch, default); // the batch that uses the allowance up: passes, and measures

        await Wait.UntilAsync(() => _limiter.IsRefusing, "refusing on a measurement the admitted data asked for, with the clock standing still");
        await Assert.ThrowsAsync<ConsumerException>(() => _limiter.ConsumeAsync(batch, default).AsTask());
    }

    [Fact]
    public void While_refusing_it_collects_the_young_generations_whenever_memory_grew_since_the_last_measurement()
    {
        _memory.InUse = 85 * MiB;
        _limiter.CheckMemory(); // refusing starts (a GC first: perhaps it was garbage)
        Assert.True(_limiter.IsRefusing);

        _memory.InUse = 90 * MiB; // the release's garbage, below the hard limit
        _limiter.CheckMemory();
        _limiter.CheckMemory(); // no growth: nothing to collect
        _memory.InUse = 88 * MiB;
        _limiter.CheckMemory();

        Assert.Equal(1, _memory.YoungCollections);
        Assert.Equal([false], _memory.Collections); // no full GC in between: min_gc_interval_when_soft_limited
    }

    [Fact]
    public void Accepting_it_never_collects_young_generations_on_its_own()
    {
        _memory.InUse = 40 * MiB;
        _limiter.CheckMemory();
        _memory.InUse = 70 * MiB;
        _limiter.CheckMemory();

        Assert.Equal(0, _memory.YoungCollections);
    }

    [Fact]
    public async Task While_refusing_it_measures_four_times_per_check_interval_and_accepting_again_once()
    {
        var time = new ManualClock();
        var memory = new ScriptedMemory { InUse = 85 * MiB };
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(2), LimitMib = 100, SpikeLimitMib = 20 };
        var limiter = new MemoryLimiterProcessor(TestSettings.For("memory_limiter", _metrics), config, _next, Limits, memory, time);
        await limiter.StartAsync(default); // the first measurement at once: refusing
        Assert.True(limiter.IsRefusing);

        var readings = memory.Readings;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(readings + 4, memory.Readings);

        memory.InUse = 50 * MiB;
        time.Advance(TimeSpan.FromMilliseconds(500)); // accepting from here
        readings = memory.Readings;
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(readings + 1, memory.Readings);
        await limiter.ShutdownAsync(default);
    }

    [Fact]
    public void Both_processors_are_registered_under_the_collectors_type_names()
    {
        Assert.IsType<MemoryLimiterProcessorFactory>(ComponentRegistry.Find(ComponentKind.Processor, "memory_limiter"));
        Assert.IsType<Kubetrace.Processors.Batch.BatchProcessorFactory>(ComponentRegistry.Find(ComponentKind.Processor, "batch"));
    }
}
