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
/// Memory is measured every <c>check_interval</c> in the background, never per batch: the hot path only reads a
/// flag. Refusals are RESOURCE_EXHAUSTED / 429 with a retry delay of one check interval, the soonest the answer
/// can change. Place it first in the pipeline so that refused data has cost nothing yet.
/// Why the release: the Collector's limiter only refuses and calls <c>runtime.GC()</c>, because what it holds is in
/// flight and drains to the exporters. Here the store's head holds up to <c>max_head_bytes</c> of spans until it is
/// cut; refusing would not shrink it, and a process held above its soft limit by the head would refuse forever.
/// </remarks>
public sealed class MemoryLimiterProcessor : PerBatchProcessor
{
    private readonly MemoryLimiterConfig _config;
    private readonly MemoryLimits _limits;
    private readonly IProcessMemory _memory;
    private readonly MemoryPressure _pressure;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _checkGate = new();
    private volatile bool _mustRefuse;
    private long? _lastCollection; // TimeProvider timestamp
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
        _memory = memory;
        _pressure = settings.MemoryPressure;
        _time = time;
        _logger = settings.CreateLogger();
    }

    /// <summary>True while data is being refused.</summary>
    public bool IsRefusing => _mustRefuse;

    /// <summary>The release of held memory last asked for (completed when none is under way); for tests.</summary>
    internal Task Release => _release;
    protected override TraceBatch Process(TraceBatch batch) => _mustRefuse
        ? throw ConsumerException.ResourceExhausted("data refused due to high memory usage", _config.CheckInterval)
        : batch;

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
        _timer ??= _time.CreateTimer(_ => CheckMemory(), null, TimeSpan.Zero, _config.CheckInterval);
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
            if (inUse >= _limits.Hard && LongerAgoThan(_lastCollection, _config.MinGcIntervalWhenHardLimited))
            {
                _logger.LogWarning("Memory usage {InUseMiB} MiB is above the hard limit; forcing a GC", ToMiB(inUse));
                inUse = CollectAndRead(compact: true);
            }

            var wasRefusing = _mustRefuse;
            var mustRefuse = inUse >= _limits.Soft;
            if (mustRefuse && !wasRefusing && LongerAgoThan(_lastCollection, _config.MinGcIntervalWhenSoftLimited))
            {
                // Perhaps it is only garbage: collect before starting to refuse.
                inUse = CollectAndRead(compact: false);
                mustRefuse = inUse >= _limits.Soft;
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
        _mustRefuse = mustRefuse;
        _pressure.Report(mustRefuse);
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
            try
            {
                await _pressure.ReleaseAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Releasing memory under pressure failed; refusing data until memory falls");
            }
            using (_checkGate.EnterScope())
            {
                var inUse = CollectAndRead(compact: true);
                Decide(inUse >= _limits.Soft, inUse);
            }
        });
    }

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
