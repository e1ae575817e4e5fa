namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>The memory this process may use in total, for <c>limit_percentage</c>.</summary>
public static class TotalMemory
{
    // cgroup v2, then v1. v1 reports "no limit" as a huge number (about 2^63 rounded to the page size).
    private static readonly string[] CgroupLimitFiles = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"];
    private const long NoLimitAbove = 1L << 60;

    /// <summary>The container's cgroup limit if there is one, else what the GC sees as available (physical memory).</summary>
    public static long Read() => ReadCgroupLimit() ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;

    internal static long? ReadCgroupLimit(IEnumerable<string>? files = null)
    {
        foreach (var file in files ?? CgroupLimitFiles)
        {
            string text;
            try
            {
                text = File.ReadAllText(file).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (text == "max") return null;
            if (long.TryParse(text, out var bytes) && bytes > 0 && bytes < NoLimitAbove) return bytes;
        }
        return null;
    }
}
