using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// A limit set below what the process needs with no data at all (runtime, compiled code, the store's block indexes)
/// is a misconfiguration, not overload: refusing cannot bring memory under it. The limiter says so, naming the key and
/// the floor it measured, and refuses only while memory grows above that floor — never for good.
/// </summary>
public class MemoryFloorTests
{
    private const long MiB = ScriptedLimiter.MiB;

    private readonly ScriptedLimiter _scripted = new();
    private bool _headHeld;
    private TaskCompletionSource? _writing; // while set, writing the head out waits for it

    public MemoryFloorTests()
    {
        // The store: writing its head out takes memory down to 90 MiB, which is all the process needs without data.
        _scripted.Pressure.OnPressure(async () =>
        {
            if (_writing is { } writing) await writing.Task;
            var held = _headHeld;
            _headHeld = false;
            if (held) Memory.InUse = 90 * MiB;
            return held;
        });
    }

    private ScriptedMemory Memory => _scripted.Memory;
    private MemoryLimiterProcessor Limiter => _scripted.Limiter;
    private IEnumerable<string> Warnings => _scripted.Warnings;

    [Fact]
    public async Task Above_the_soft_limit_with_nothing_left_to_release_it_takes_the_floor_as_baseline_and_says_so_once()
    {
        _headHeld = true;
        Memory.InUse = 95 * MiB;
        Limiter.CheckMemory();
        await Limiter.Release; // the head written out: 90 MiB, still above the soft limit
        Assert.True(Limiter.IsRefusing);

        _scripted.Clock.Advance(TimeSpan.FromSeconds(10));
        Limiter.CheckMemory();
        await Limiter.Release; // nothing left to write, and a compacting GC frees nothing: 90 MiB is the floor

        Assert.False(Limiter.IsRefusing);
        Assert.False(_scripted.Pressure.IsHigh);
        var floor = Assert.Single(Warnings, line => line.Contains("floor", StringComparison.Ordinal));
        Assert.Contains("limit_mib 100", floor);
        Assert.Contains("90 MiB", floor);

        // Data again grows above the floor (by more than half the spike): refused, until it is written out.
        _headHeld = true;
        _writing = new TaskCompletionSource();
        Memory.InUse = 101 * MiB;
        Limiter.CheckMemory();
        Assert.True(Limiter.IsRefusing);
        _writing.SetResult();
        await Limiter.Release;
        Assert.False(Limiter.IsRefusing);

        // The floor itself rose (more blocks, more code): taken as the new baseline, without another warning.
        _scripted.Clock.Advance(TimeSpan.FromSeconds(10));
        Memory.InUse = 101 * MiB;
        Limiter.CheckMemory();
        await Limiter.Release;
        Assert.False(Limiter.IsRefusing);
        Assert.Single(Warnings, line => line.Contains("floor", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_limit_below_the_footprint_at_start_is_reported_naming_limit_mib()
    {
        Memory.InUse = 85 * MiB;

        await Limiter.StartAsync(CancellationToken.None);
        await Limiter.ShutdownAsync(CancellationToken.None);

        var warning = Assert.Single(Warnings, line => line.Contains("at start", StringComparison.Ordinal));
        Assert.Contains("limit_mib", warning);
        Assert.Contains("85 MiB", warning);
    }

    [Fact]
    public async Task A_footprint_at_start_below_the_soft_limit_is_not_reported()
    {
        Memory.InUse = 60 * MiB;

        await Limiter.StartAsync(CancellationToken.None);
        await Limiter.ShutdownAsync(CancellationToken.None);

        Assert.DoesNotContain(Warnings, line => line.Contains("at start", StringComparison.Ordinal));
    }
}
