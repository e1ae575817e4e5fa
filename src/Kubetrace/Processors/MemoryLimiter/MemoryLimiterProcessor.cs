using Kubetrace.Components;
using Kubetrace.Pipeline;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>
/// The <c>memory_limiter</c> processor: refuses data with a retryable error while the process's memory (its resident
/// set) is above the soft limit (limit - spike), and gets back under it by forcing garbage collections and by asking
/// the store to write its in-memory head out (<see cref="MemoryPressure"/>).
/// </summary>
/// <remarks>
/// Memory is measured every <c>check_interval</c> in the background, and sooner when the data let through since the
/// last measurement could have used up a share of the room left (<see cref="GrowthAllowance"/>); never on the hot
/// path, which only reads a flag and adds a batch's size. Refusals are RESOURCE_EXHAUSTED / 429 with a retry delay
/// of one check interval, the soonest the answer can change. Place it first in the pipeline so that refused data has cost nothing yet.
/// Why the release: the Collector's limiter only refuses and calls <c>runtime.GC()</c>, because what it holds is in
/// flight and drains to the exporters. Here the store's head holds up to <c>max_head_bytes</c> of spans until it is
/// cut; refusing would not shrink it, and a process held above its soft limit by the head would refuse forever.
/// And when even an empty head and a compacting GC leave the process above its soft limit, what remains is its floor
/// (runtime, compiled code, the store's block indexes), which no refusal sheds: the limit is below what the process
/// needs, a misconfiguration rather than overload. The limiter says so once and from then on refuses only while memory
/// grows above that floor (<see cref="MemoryLimits.AboveFloor"/>), as the Collector's does in effect (its Go heap
/// falls back once data drains). Without any component to release (no embedded store) it refuses as the Collector
/// does: what it holds is in flight and drains.
/// </remarks>
public sealed class MemoryLimiterProcessor : PerBatchProcessor
{
    private readonly MemoryLimiterConfig _config;
    private readonly MemoryLimits _limits;
    private MemoryLimits _effective; // _limits, or above the process's floor once one was found (under _checkGate)
    private long? _floor;
    private readonly IProcessMemory _memory;
    private readonly MemoryPressure _pressure;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _checkGate = new();
    private readonly GrowthAllowance _allowance = new();
    private volatile bool _mustRefuse;
    private long? _lastCollection; // TimeProvider timestamp
    private long _lastInUse; // the previous measurement (under _checkGate)
    private long? _lastRelease; // TimeProvider timestamp
    private Task _release = Task.CompletedTask;
    private ITimer? _timer;

    public MemoryLimiterProcessor(ComponentSettings settings, MemoryLimiterConfig config, ITraceConsumer next)
        : this(settings, config, next, MemoryLimits.From(config, TotalMemory.Read), ResidentMemory.Instance, TimeProvider.System)
    {
    }

    internal MemoryLimiterProcessor(ComponentSettings settings, MemoryLimiterConfig config, ITraceConsumer next,
        MemoryLimits limits, IProcessMemory memory, TimeProvider time)
        : base(settings, next)
    {
        _config = config;
        _limits = limits;
        _effective = limits;
        _memory = memory;
        _pressure = settings.MemoryPressure;
        _time = time;
        _logger = settings.CreateLogger();
    }

    /// <summary>True while data is being refused.</summary>
    public bool IsRefusing => _mustRefuse;

    /// <summary>The release of held memory last asked for (completed when none is under way); for tests.</summary>
    internal Task Release => _release;
    protected override TraceBatch Process(TraceBatch batch)
    {
        if (_mustRefuse) throw ConsumerException.ResourceExhausted("data refused due to high memory usage", _config.CheckInterval);
        // Measured off the hot path, at once: the batch that used the allowance up passes (it is admitted data the
        // allowance was sized for).
        if (_allowance.Admit(batch.EncodedSize)) ThreadPool.UnsafeQueueUserWorkItem(static limiter => limiter.CheckMemory(), this, preferLocal: false);
        return batch;
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Memory limiter: {Limits}, checked every {IntervalMs} ms", _limits, _config.CheckInterval.TotalMilliseconds);
        // In a container the .NET GC caps its heap at 75% of the cgroup limit by default: a limit above that cap
        // would never be reached, the process would fail with OutOfMemoryException first.
        var gcHeapLimit = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (gcHeapLimit > 0 && _limits.Hard > gcHeapLimit)
        {
            _logger.LogWarning(
                "The memory limit ({LimitMiB} MiB) is above what the .NET GC may use ({GcMiB} MiB); lower limit_mib/limit_percentage or raise DOTNET_GCHeapHardLimitPercent",
                ToMiB(_limits.Hard), ToMiB(gcHeapLimit));
        }
        var atStart = _memory.InUseBytes();
        if (atStart >= _limits.Soft)
        {
            _logger.LogWarning(
                "The process already uses {InUseMiB} MiB at start, above the soft limit of {SoftMiB} MiB ({Key} {Value}): data would be refused from the first request; raise {KeyToRaise}",
                ToMiB(atStart), ToMiB(_limits.Soft), LimitKey, LimitValue, LimitKey);
        }
        // Started once assigned: the first check may shorten the interval, which needs the timer.
        _timer ??= _time.CreateTimer(_ => CheckMemory(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timer.Change(TimeSpan.Zero, _config.CheckInterval);
        return Task.CompletedTask;
    }

    public override Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>
    /// One measurement, as the Collector makes it (GC above the hard limit; refuse above the soft one), and above the
    /// soft limit after a GC a release of held memory (<see cref="ReleaseHeldMemory"/>).
    /// </summary>
    internal void CheckMemory()
    {
        // A forced GC can outlast the interval; overlapping checks would only collect again.
        if (!_checkGate.TryEnter()) return;
        try
        {
            var inUse = _memory.InUseBytes();
            if (inUse >= _effective.Hard && LongerAgoThan(_lastCollection, _config.MinGcIntervalWhenHardLimited))
            {
                _logger.LogWarning("Memory usage {InUseMiB} MiB is above the hard limit; forcing a GC", ToMiB(inUse));
                inUse = CollectAndRead(compact: true);
            }
            else if (_mustRefuse && inUse > _lastInUse)
            {
                // Refusing and still growing: the release's garbage (see Interval), which the GC lets grow until its
                // gen0 budget is spent. A young collection costs milliseconds, and the allocations that follow reuse
                // what it freed instead of taking more from the system.
                _memory.CollectYoung();
            }
            _lastInUse = inUse;

            var wasRefusing = _mustRefuse;
            var mustRefuse = inUse >= _effective.Soft;
            if (mustRefuse && !wasRefusing && LongerAgoThan(_lastCollection, _config.MinGcIntervalWhenSoftLimited))
            {
                // Perhaps it is only garbage: collect before starting to refuse.
                inUse = CollectAndRead(compact: false);
                mustRefuse = inUse >= _effective.Soft;
            }
            // Live data, then: ask for it to be written out when refusing starts, and again each soft GC interval
            // while it lasts (what was released may have been too little: the head was small).
            if (mustRefuse && (!wasRefusing || LongerAgoThan(_lastRelease, _config.MinGcIntervalWhenSoftLimited))) ReleaseHeldMemory();
            Decide(mustRefuse, inUse);
        }
        finally
        {
            _checkGate.Exit();
        }
    }

    private void Decide(bool mustRefuse, long inUse)
    {
        if (mustRefuse && !_mustRefuse)
            _logger.LogWarning("Memory usage {InUseMiB} MiB is above the soft limit; refusing data", ToMiB(inUse));
        else if (!mustRefuse && _mustRefuse)
            _logger.LogInformation("Memory usage {InUseMiB} MiB is back within limits; accepting data", ToMiB(inUse));
        if (mustRefuse != _mustRefuse) ChangeInterval(Interval(mustRefuse));
        _mustRefuse = mustRefuse;
        _pressure.Report(mustRefuse);
        _allowance.Measured(inUse, _effective.Soft);
    }

    /// <summary>
    /// Asks the components holding memory (the store's head) to release it, then collects with compaction, which
    /// gives the freed memory back to the system, and decides again at once rather than a check interval later.
    /// One release at a time; the checks go on meanwhile (the head may take a second or two to write).
    /// </summary>
    private void ReleaseHeldMemory()
    {
        if (!_release.IsCompleted || !_pressure.CanRelease) return;
        _lastRelease = _time.GetTimestamp();
        _release = Task.Run(async () =>
        {
            var held = true; // unknown after a failure: keep refusing until memory falls
            try
            {
                held = await _pressure.ReleaseAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Releasing memory under pressure failed; refusing data until memory falls");
            }
            using (_checkGate.EnterScope())
            {
                var inUse = CollectAndRead(compact: true);
                // Nothing was held and nothing came in (data is refused meanwhile): this is the process's floor.
                if (!held && inUse >= _effective.Soft) TakeFloor(inUse);
                Decide(inUse >= _effective.Soft, inUse);
            }
        });
    }

    /// <summary>Takes <paramref name="floor"/>, measured with nothing left to release, as the baseline to refuse above.</summary>
    private void TakeFloor(long floor)
    {
        var first = _floor is null;
        _floor = floor;
        _effective = _limits.AboveFloor(floor);
        if (first)
        {
            _logger.LogWarning(
                "Memory usage stays at {FloorMiB} MiB with nothing left to release (the store's head written out, a compacting GC done): {Key} {Value} (soft limit {SoftMiB} MiB) is below this process's floor, and refusing data cannot bring memory under it. Refusing now only while memory grows above that floor: {Limits}. Set {KeyToRaise} so that its soft limit is above {AtLeastMiB} MiB plus room for data",
                ToMiB(floor), LimitKey, LimitValue, ToMiB(_limits.Soft), _effective, LimitKey, ToMiB(floor));
        }
        else
        {
            _logger.LogInformation("The process's floor is now {FloorMiB} MiB; {Limits}", ToMiB(floor), _effective);
        }
    }

    /// <summary>
    /// Time between two measurements: <c>check_interval</c>, and a quarter of it while refusing. Refusing stops the
    /// growth that data makes, not the release's: writing the head out makes garbage (on the soak's spans ~300 B per
    /// span written, 60 MiB/s on a CI machine), which rose from the soft limit to 30 MiB past the hard one within one
    /// 1 s interval, before the check that forces a GC at the hard limit came.
    /// </summary>
    private TimeSpan Interval(bool refusing) => refusing ? _config.CheckInterval / 4 : _config.CheckInterval;

    private void ChangeInterval(TimeSpan interval)
    {
        try
        {
            _timer?.Change(interval, interval);
        }
        catch (ObjectDisposedException)
        {
            // Shut down while a release or a measurement the data asked for was finishing: nothing more to measure.
        }
    }

    /// <summary>The key that set the limit, for messages: the one a user would change.</summary>
    private string LimitKey => _config.LimitMib > 0 ? "limit_mib" : "limit_percentage";

    private int LimitValue => _config.LimitMib > 0 ? _config.LimitMib : _config.LimitPercentage;

    /// <summary>Whether <paramref name="interval"/> has passed since <paramref name="last"/> (a TimeProvider timestamp; never: yes).</summary>
    private bool LongerAgoThan(long? last, TimeSpan interval) => last is not { } then || _time.GetElapsedTime(then) >= interval;

    private long CollectAndRead(bool compact)
    {
        _memory.Collect(compact);
        _lastCollection = _time.GetTimestamp();
        return _memory.InUseBytes();
    }

    private static long ToMiB(long bytes) => bytes / (1024 * 1024);
}
