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
/// The managed heap, measured with <see cref="GC.GetTotalMemory(bool)"/> without forcing a collection.
/// </summary>
/// <remarks>
/// Why the managed heap and not the process RSS: spans live on the managed heap, it is the only memory a forced
/// collection can give back, and it moves with the data in flight — which is what refusing data controls
/// (native buffers of the HTTP stack are pooled and do not shrink when we refuse). The reading includes garbage
/// not yet collected, so it errs high, like the Go runtime's <c>Alloc</c> the Collector reads, and it costs
/// next to nothing, unlike a forced GC or reading /proc.
/// </remarks>
public sealed class ManagedHeapMemory : IProcessMemory
{
    public static ManagedHeapMemory Instance { get; } = new();

    public long InUseBytes() => GC.GetTotalMemory(forceFullCollection: false);

    public void Collect(bool compact)
    {
        if (compact) System.Runtime.GCSettings.LargeObjectHeapCompactionMode = System.Runtime.GCLargeObjectHeapCompactionMode.CompactOnce;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: compact);
    }
}
