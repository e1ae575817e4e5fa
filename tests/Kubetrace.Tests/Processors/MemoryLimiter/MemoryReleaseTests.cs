using Kubetrace.Components;
using Kubetrace.Pipeline;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// Above the soft limit with live data (a GC frees nothing), the limiter asks what holds memory (the store's head) to
/// release it, collects with compaction once it has, and accepts data again at once: refusing alone could never bring
/// a head's memory down, and the process would refuse forever.
/// </summary>
public class MemoryReleaseTests
{
    private const long MiB = 1024 * 1024;

    private readonly ScriptedMemory _memory = new();
    private readonly ManualClock _clock = new();
    private readonly MemoryPressure _pressure = new();
    private readonly MemoryLimiterProcessor _limiter;
    private int _releases;

    public MemoryReleaseTests()
    {
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 };
        _limiter = new MemoryLimiterProcessor(TestSettings.For("memory_limiter") with { MemoryPressure = _pressure }, config,
            new RecordingConsumer(), new MemoryLimits(100 * MiB, 20 * MiB), _memory, _clock);
    }

    /// <summary>A head that, written out, takes memory down to <paramref name="after"/> MiB.</summary>
    private void HeadHolding(long after, TaskCompletionSource? written = null) => _pressure.OnPressure(async () =>
    {
        _releases++;
        if (written is not null) await written.Task;
        _memory.InUse = after * MiB;
        return true;
    });

    [Fact]
    public async Task Above_the_soft_limit_after_a_gc_the_head_is_written_out_then_a_compacting_gc_runs_and_data_is_accepted_again()
    {
        HeadHolding(after: 40);
        _memory.InUse = 85 * MiB; // live data: the GC before refusing frees nothing

        _limiter.CheckMemory();
        await _limiter.Release;

        Assert.Equal(1, _releases);
        Assert.Equal([false, true], _memory.Collections); // the GC before refusing, then the compacting one after the release
        Assert.False(_limiter.IsRefusing); // without waiting for the next check
        Assert.False(_pressure.IsHigh);
    }

    [Fact]
    public async Task One_release_at_a_time_and_while_refusing_goes_on_another_only_each_soft_gc_interval()
    {
        var written = new TaskCompletionSource();
        HeadHolding(after: 90, written); // what is written out is too little: still above the soft limit
        _memory.InUse = 85 * MiB;

        _limiter.CheckMemory();
        _limiter.CheckMemory(); // the head is still being written
        written.SetResult();
        await _limiter.Release;
        Assert.Equal(1, _releases);
        Assert.True(_limiter.IsRefusing);
        Assert.True(_pressure.IsHigh); // the store's compaction waits meanwhile

        _limiter.CheckMemory();
        Assert.Equal(1, _releases);
        _clock.Advance(TimeSpan.FromSeconds(10)); // min_gc_interval_when_soft_limited
        _limiter.CheckMemory();
        await _limiter.Release;
        Assert.Equal(2, _releases);
    }

    [Fact]
    public async Task Nothing_is_asked_below_the_soft_limit_or_when_a_gc_was_enough()
    {
        HeadHolding(after: 10);
        _memory.InUse = 79 * MiB;
        _limiter.CheckMemory();
        _memory.InUse = 90 * MiB;
        _memory.AfterCollection = 30 * MiB; // garbage
        _limiter.CheckMemory();
        await _limiter.Release;

        Assert.Equal(0, _releases);
        Assert.False(_limiter.IsRefusing);
    }

    [Fact]
    public async Task A_failing_release_leaves_the_limiter_refusing_until_memory_falls()
    {
        _pressure.OnPressure(() => throw new IOException("disk full"));
        _memory.InUse = 85 * MiB;

        _limiter.CheckMemory();
        await _limiter.Release;
        Assert.True(_limiter.IsRefusing);

        _memory.InUse = 50 * MiB;
        _limiter.CheckMemory();
        Assert.False(_limiter.IsRefusing);
    }
}
