using System.Buffers;
using System.Numerics;

namespace Kubetrace.Storage;

/// <summary>
/// Byte buffers of the ingest path (request bodies, WAL records). Up to <see cref="LargeSize"/> they come from
/// <see cref="ArrayPool{T}.Shared"/> as before: cheap, thread-local, and small. Larger ones (a request of several
/// MiB, its compressed WAL record) come from here instead: the shared pool keeps arrays of every size per core and
/// per thread and trims them only on gen-2 collections it judges under pressure (physical memory load, which a
/// container limit does not raise), so a few MiB-sized buffers per core and thread would stay resident for good,
/// out of reach of the store's memory-pressure release. This pool keeps at most <c>retainedLimit</c> bytes and
/// drops them all on <see cref="Release"/> (<see cref="EmbeddedTraceStore.ReleaseMemoryAsync"/>).
/// A buffer goes back through <see cref="Return"/>, which tells the two pools apart by its length.
/// </summary>
internal sealed class IngestBuffers(long retainedLimit)
{
    /// <summary>Above this a buffer is large: one a second already costs the large object heap ~1 MB/s.</summary>
    public const int LargeSize = 1024 * 1024;

    /// <summary>The pool of the process: 32 MiB is eight 4 MiB requests and their records in flight, reused.</summary>
    public static IngestBuffers Shared { get; } = new(32L * 1024 * 1024);

    // Few and large (at most retainedLimit / LargeSize): a list under a lock costs nothing next to filling one.
    private readonly List<byte[]> _retained = [];
    private long _retainedBytes;

    /// <summary>Bytes held for reuse now (large buffers only; the shared pool's are not counted).</summary>
    public long RetainedBytes => Interlocked.Read(ref _retainedBytes);

    /// <summary>A buffer of at least <paramref name="minimumLength"/> bytes, not zeroed.</summary>
    public byte[] Rent(int minimumLength)
    {
        if (minimumLength <= LargeSize) return ArrayPool<byte>.Shared.Rent(minimumLength);
        // Powers of two, as the shared pool rounds: requests of similar sizes reuse one another's buffers.
        var length = (int)Math.Min(BitOperations.RoundUpToPowerOf2((uint)minimumLength), (uint)Array.MaxLength);
        if (length < minimumLength) length = minimumLength;
        lock (_retained)
        {
            var index = _retained.FindIndex(buffer => buffer.Length == length);
            if (index >= 0)
            {
                var reused = _retained[index];
                _retained.RemoveAt(index);
                _retainedBytes -= reused.Length;
                return reused;
            }
        }
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Gives a buffer from <see cref="Rent"/> back; a large one is dropped when the pool is full.</summary>
    public void Return(byte[] buffer)
    {
        if (buffer.Length <= LargeSize)
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return;
        }
        lock (_retained)
        {
            if (_retainedBytes + buffer.Length > retainedLimit) return;
            _retained.Add(buffer);
            _retainedBytes += buffer.Length;
        }
    }

    /// <summary>Drops every large buffer held (memory pressure); the bytes dropped.</summary>
    public long Release()
    {
        lock (_retained)
        {
            var dropped = _retainedBytes;
            _retained.Clear();
            _retainedBytes = 0;
            return dropped;
        }
    }
}
