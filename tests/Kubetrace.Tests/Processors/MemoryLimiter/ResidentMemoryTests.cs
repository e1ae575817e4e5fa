using Kubetrace.Bench.Measurement;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

/// <summary>
/// The memory limiter measures what its limit is about: the process's resident set (the runtime, code and native
/// buffers beside the managed heap), so that a process held under the limit is under it as the kernel counts.
/// </summary>
public class ResidentMemoryTests
{
    [Fact]
    public void Counts_the_whole_resident_set_not_only_the_managed_heap()
    {
        var rss = ProcFs.Memory(Environment.ProcessId)!.Value.RssKib * 1024;
        var heap = GC.GetTotalMemory(forceFullCollection: false);

        var inUse = ResidentMemory.Instance.InUseBytes();

        Assert.True(rss > heap, $"RSS {rss} should exceed the managed heap {heap} in any .NET process");
        Assert.InRange(inUse, Math.Max(heap, rss * 8 / 10), rss * 12 / 10);
    }
}
