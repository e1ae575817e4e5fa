namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>What the memory limiter measures and how it frees memory; replaced in tests by a scripted one.</summary>
public interface IProcessMemory
{
    /// <summary>Bytes in use now.</summary>
    long InUseBytes();

    /// <summary>Forces a full collection; <paramref name="compact"/> also compacts the large object heap.</summary>
    void Collect(bool compact);
}

/// <summary>
/// The process's memory as the limit means it: its resident set (what the kernel, a container's cgroup and the
/// issue's soak measure), or the managed heap when that reads higher (garbage not yet collected counts, like the Go
/// runtime's <c>Alloc</c> the Collector reads).
/// </summary>
/// <remarks>
/// Why not the managed heap alone, as before: the runtime, JIT-compiled code, native buffers and the GC's free but
/// still committed space come on top of it, so a limit on the heap let the process's RSS run far above the limit
/// (a 256 MiB limit: 405 MiB RSS while the heap read 243 MiB; docs/benchmarks.md). A forced collection here is
/// <see cref="GCCollectionMode.Aggressive"/> when compacting: it also gives the freed space back to the system,
/// so the resident set can fall and data be accepted again. Both readings cost next to nothing once per interval.
/// </remarks>
public sealed class ResidentMemory : IProcessMemory
{
    public static ResidentMemory Instance { get; } = new();

    public long InUseBytes() => Math.Max(Environment.WorkingSet, GC.GetTotalMemory(forceFullCollection: false));

    public void Collect(bool compact)
    {
        if (compact) System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, compact ? GCCollectionMode.Aggressive : GCCollectionMode.Forced, blocking: true, compacting: compact);
    }
}
