using Kubetrace.Components;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// A limit set below what the process needs with no data at all (runtime, compiled code, the store's block indexes)
/// is a misconfiguration, not overload: refusing cannot bring memory under it. The limiter says so, naming the key and
/// the floor it measured, and refuses only while memory grows above that floor — never for good.
/// </summary>
public class MemoryFloorTests
{
    private const long MiB = 1024 * 1024;

    private readonly ScriptedMemory _memory = new();
    private readonly ManualClock _clock = new();
    private readonly MemoryPressure _pressure = new();
    private readonly TestSettings _settings = new("memory_limiter");
    private readonly MemoryLimiterProcessor _limiter;
    private bool _headHeld;
    private TaskCompletionSource? _writing; // while set, writing the head out waits for it

    public MemoryFloorTests()
    {
        // Hard limit 100 MiB, spike 20 MiB: data is refused from 80 MiB.
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, SpikeLimitMib = 20 };
        _limiter = new MemoryLimiterProcessor(_settings.Settings with { MemoryPressure = _pressure }, config,
            new RecordingConsumer(), new MemoryLimits(100 * MiB, 20 * MiB), _memory, _clock);
        // The store: writing its head out takes memory down to 90 MiB, which is all the process needs without data.
        _pressure.OnPressure(async () =>
        {
            if (_writing is { } writing) await writing.Task;
            var held = _headHeld;
            _headHeld = false;
            if (held) _memory.InUse = 90 * MiB;
            return held;
        });
    }

    private IEnumerable<string> Warnings => _settings.Log.Where(line => line.StartsWith("Warning: ", StringComparison.Ordinal));

    [Fact]
    public async Task Above_the_soft_limit_with_nothing_left_to_release_it_takes_the_floor_as_baseline_and_says_so_once()
    {
        _headHeld = true;
        _memory.InUse = 95 * MiB;
        _limiter.CheckMemory();
        await _limiter.Release; // the head written out: 90 MiB, still above the soft limit
        Assert.True(_limiter.IsRefusing);

        _clock.Advance(TimeSpan.FromSeconds(10));
        _limiter.CheckMemory();
        await _limiter.Release; // nothing left to write, and a compacting GC frees nothing: 90 MiB is the floor

        Assert.False(_limiter.IsRefusing);
        Assert.False(_pressure.IsHigh);
        var floor = Assert.Single(Warnings, line => line.Contains("floor", StringComparison.Ordinal));
        Assert.Contains("limit_mib 100", floor);
        Assert.Contains("90 MiB", floor);

        // Data again grows above the floor (by more than half the spike): refused, until it is written out.
        _headHeld = true;
        _writing = new TaskCompletionSource();
        _memory.InUse = 101 * MiB;
        _limiter.CheckMemory();
        Assert.True(_limiter.IsRefusing);
        _writing.SetResult();
        await _limiter.Release;
        Assert.False(_limiter.IsRefusing);

        // The floor itself rose (more blocks, more code): taken as the new baseline, without another warning.
        _clock.Advance(TimeSpan.FromSeconds(10));
        _memory.InUse = 101 * MiB;
        _limiter.CheckMemory();
        await _limiter.Release;
        Assert.False(_limiter.IsRefusing);
        Assert.Single(Warnings, line => line.Contains("floor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_limit_below_the_footprint_at_start_is_reported_naming_limit_mib()
    {
        _memory.InUse = 85 * MiB;

        await _limiter.StartAsync(CancellationToken.None);
        await _limiter.ShutdownAsync(CancellationToken.None);

        var warning = Assert.Single(Warnings, line => line.Contains("at start", StringComparison.Ordinal));
        Assert.Contains("limit_mib", warning);
        Assert.Contains("85 MiB", warning);
    }

    [Fact]
    public async Task A_footprint_at_start_below_the_soft_limit_is_not_reported()
    {
        _memory.InUse = 60 * MiB;

        await _limiter.StartAsync(CancellationToken.None);
        await _limiter.ShutdownAsync(CancellationToken.None);

        Assert.DoesNotContain(Warnings, line => line.Contains("at start", StringComparison.Ordinal));
    }
}
