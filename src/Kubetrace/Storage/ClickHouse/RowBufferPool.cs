using System.Collections.Concurrent;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>
/// The row buffers of inserts, reused: a 10,000-span batch is ~5 MB of RowBinary, and a new buffer per batch, grown by
/// doubling from 64 KiB, cost a copy of every byte written and garbage of twice the batch. A few are kept (one per
/// insert in flight, at most <see cref="Kept"/>), none larger than <see cref="LargestKept"/>, so that an unusually
/// large batch does not hold its memory for good.
/// </summary>
internal sealed class RowBufferPool
{
    private const int Kept = 8;
    private const int LargestKept = 32 << 20;
    private readonly ConcurrentBag<RowBinaryWriter> _free = [];

    public RowBinaryWriter Rent() => _free.TryTake(out var rows) ? rows : new RowBinaryWriter();

    /// <summary>Takes the buffer back once nothing reads what was written into it.</summary>
    public void Return(RowBinaryWriter rows)
    {
        rows.Clear();
        if (rows.Capacity <= LargestKept && _free.Count < Kept) _free.Add(rows);
    }
}
