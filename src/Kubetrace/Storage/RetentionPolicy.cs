using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage;

/// <summary>Which blocks retention deletes: whole blocks, oldest first, by age and then by total size.</summary>
internal static class RetentionPolicy
{
    /// <param name="diskBytes">What a block takes on disk with what is kept beside it (its rollups), so that
    /// <see cref="StoreOptions.MaxDiskBytes"/> bounds what the store really uses.</param>
    /// <param name="reserveBytes">Room the blocks must leave within <see cref="StoreOptions.MaxDiskBytes"/> for
    /// what else is on disk (the WAL) or about to be (a block being written).</param>
    public static List<BlockReader> BlocksToDelete(IReadOnlyCollection<BlockReader> blocks, StoreOptions options, DateTimeOffset now,
        Func<BlockReader, long> diskBytes, long reserveBytes = 0)
    {
        var doomed = new List<BlockReader>();
        var oldestFirst = blocks.OrderBy(b => b.MaxEnd).ToList();
        if (options.Retention > TimeSpan.Zero)
        {
            var cutoff = (ulong)Math.Max(0, TimeRange.ToNanos(now - options.Retention));
            doomed.AddRange(oldestFirst.Where(b => b.MaxEnd < cutoff));
        }
        if (options.MaxDiskBytes > 0)
        {
            var total = oldestFirst.Sum(diskBytes) - doomed.Sum(diskBytes);
            foreach (var block in oldestFirst)
            {
                if (total + reserveBytes <= options.MaxDiskBytes) break;
                if (doomed.Contains(block)) continue;
                doomed.Add(block);
                total -= diskBytes(block);
            }
        }
        return doomed;
    }
}
