using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>Memory readings set by the test, and a GC that frees what the test says it frees.</summary>
internal sealed class ScriptedMemory : IProcessMemory
{
    public long InUse { get; set; }

    /// <summary>What a forced GC brings usage down to; null: the GC frees nothing.</summary>
    public long? AfterCollection { get; set; }

    public List<bool> Collections { get; } = []; // the compact flag of each forced GC

    public long InUseBytes() => InUse;

    public void Collect(bool compact)
    {
        Collections.Add(compact);
        if (AfterCollection is { } after) InUse = after;
    }
}

/// <summary>A clock that moves only when the test says so.</summary>
internal sealed class ManualClock : TimeProvider
{
    private long _ticks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => _ticks;

    public void Advance(TimeSpan by) => _ticks += by.Ticks;
}
