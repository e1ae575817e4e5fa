using Kubetrace.Components;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// Above the soft limit with live data (a GC frees nothing), the limiter asks what holds memory (the store's head) to
/// release it, collects with compaction once it has, and accepts data again at once: refusing alone could never bring
/// a head's memory down, and the process would refuse forever.
/// </summary>
public class MemoryReleaseTests
{
    private const long MiB = ScriptedLimiter.MiB;

    private readonly ScriptedLimiter _scripted = new();
    private int _releases;

    private ScriptedMemory Memory => _scripted.Memory;
    private ManualClock Clock => _scripted.Clock;
    private MemoryPressure Pressure => _scripted.Pressure;
    private MemoryLimiterProcessor Limiter => _scripted.Limiter;

    /// <summary>A head that, written out, takes memory down to <paramref name="after"/> MiB.</summary>
    private void HeadHolding(long after, TaskCompletionSource? written = null) => Pressure.OnPressure(async () =>
    {
        _releases++;
        if (written is not null) await written.Task;
        Memory.InUse = after * MiB;
        return true;
    });

    [Fact]
    public async Task Above_the_soft_limit_after_a_gc_the_head_is_written_out_then_a_compacting_gc_runs_and_data_is_accepted_again()
    {
        HeadHolding(after: 40);
        Memory.InUse = 85 * MiB; // live data: the GC before refusing frees nothing

        Limiter.CheckMemory();
        await Limiter.Release;

        Assert.Equal(1, _releases);
        Assert.Equal([false, true], Memory.Collections); // the GC before refusing, then the compacting one after the release
        Assert.False(Limiter.IsRefusing); // without waiting for the next check
        Assert.False(Pressure.IsHigh);
    }

    [Fact]
    public async Task One_release_at_a_time_and_while_refusing_goes_on_another_only_each_soft_gc_interval()
    {
        var written = new TaskCompletionSource();
        HeadHolding(after: 90, written); // what is written out is too little: still above the soft limit
        Memory.InUse = 85 * MiB;

        Limiter.CheckMemory();
        Limiter.CheckMemory(); // the head is still being written
        written.SetResult();
        await Limiter.Release;
        Assert.Equal(1, _releases);
        Assert.True(Limiter.IsRefusing);
        Assert.True(Pressure.IsHigh); // the store's compaction waits meanwhile

        Limiter.CheckMemory();
        Assert.Equal(1, _releases);
        Clock.Advance(TimeSpan.FromSeconds(10)); // min_gc_interval_when_soft_limited
        Limiter.CheckMemory();
        await Limiter.Release;
        Assert.Equal(2, _releases);
    }

    [Fact]
    public async Task Nothing_is_asked_below_the_soft_limit_or_when_a_gc_was_enough()
    {
        HeadHolding(after: 10);
        Memory.InUse = 79 * MiB;
        Limiter.CheckMemory();
        Memory.InUse = 90 * MiB;
        Memory.AfterCollection = 30 * MiB; // garbage
        Limiter.CheckMemory();
        await Limiter.Release;

        Assert.Equal(0, _releases);
        Assert.False(Limiter.IsRefusing);
    }

    [Fact]
    public async Task A_failing_release_leaves_the_limiter_refusing_until_memory_falls()
    {
        Pressure.OnPressure(() => throw new IOException("disk full"));
        Memory.InUse = 85 * MiB;

        Limiter.CheckMemory();
        await Limiter.Release;
        Assert.True(Limiter.IsRefusing);

        Memory.InUse = 50 * MiB;
        Limiter.CheckMemory();
        Assert.False(Limiter.IsRefusing);
    }
}
