namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>What the memory limiter measures and how it frees memory; replaced in tests by a scripted one.</summary>
public interface IProcessMemory
{
    /// <summary>Bytes in use now.</summary>
    long InUseBytes();

    /// <summary>Forces a full collection; <paramref name="compact"/> also compacts the large object heap and gives
    /// the freed memory back to the system.</summary>
    void Collect(bool compact);

    /// <summary>Collects the young generations only (no compaction of the old, no memory given back): cheap, and
    /// what stops garbage made in a burst from growing the heap.</summary>
    void CollectYoung();
}

/// <summary>
/// The process's resident set (<see cref="Environment.WorkingSet"/>: VmRSS on Linux): what the kernel, a
/// container's cgroup and the soak count, so that <c>limit_mib</c> holds the whole process.
/// </summary>
/// <remarks>
/// The managed heap alone, as measured before, let the RSS run 45–51% above the limit (the runtime, JIT-compiled
/// code, native buffers and the GC's committed free space come on top of it: docs/benchmarks.md). The resident set
/// falls only when memory is given back to the system, so a compacting collection here is
/// <see cref="GCCollectionMode.Aggressive"/> (it decommits the freed regions at once) — and it can only fall once
/// the store's head is written out (<see cref="Components.MemoryPressure"/>): the limiter asks for that first.
/// </remarks>
public sealed class ResidentMemory : IProcessMemory
{
    public static ResidentMemory Instance { get; } = new();

    public long InUseBytes() => Environment.WorkingSet;

    public void CollectYoung() => GC.Collect(1, GCCollectionMode.Forced, blocking: true, compacting: false);

    public void Collect(bool compact)
    {
        if (!compact)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: false);
            return;
        }
        System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
