namespace Kubetrace.Processors.TailSampling;

/// <summary>
/// Where buffered spans' bytes wait for their trace's decision: copied out of the received request into pinned slabs
/// that are reused, not into the garbage-collected heap.
/// </summary>
/// <remarks>
/// Why: a buffered span outlives its request by decision_wait. As a slice of the request it kept the whole request
/// (300 KiB for 500 spans) alive, so every request was copied by two promotions (gen0 → gen1 → gen2) and then waited
/// for a full background collection to be freed: at 250k spans/s the process held ≈ 3 KiB per buffered span for
/// ≈ 0.7 KiB of live data (docs/benchmarks.md, issue 12). Slabs on the pinned object heap are never moved, and one
/// is back in the pool as soon as the last span copied into it is decided; traces are decided in arrival order,
/// so slabs free in roughly the order they filled. A span larger than half a slab gets a slab of its own, not pooled.
/// Not thread-safe: the processor calls it under its lock.
/// </remarks>
internal sealed class SpanArena(int slabSize = SpanArena.DefaultSlabSize)
{
    public const int DefaultSlabSize = 256 * 1024;
    private readonly Stack<Slab> _free = new();
    private Slab? _current;
    private long _slabsInUse;

    /// <summary>Bytes of the slabs that hold at least one buffered span (or are being filled), pooled ones excluded.</summary>
    public long BytesInUse { get; private set; }

    /// <summary>Bytes of empty slabs kept for reuse.</summary>
    public long BytesPooled => (long)_free.Count * slabSize;

    /// <summary>The span's bytes copied into a slab; <see cref="Release"/> it once its trace no longer needs them.</summary>
    public BufferedSpan Hold(BufferedSpan span)
    {
        var bytes = span.Encoded.Span;
        var slab = bytes.Length > slabSize / 2 ? Take(bytes.Length, pooled: false) : Current(bytes.Length);
        var offset = slab.Used;
        bytes.CopyTo(slab.Bytes.AsSpan(offset));
        slab.Used += bytes.Length;
        slab.Live++;
        return span.In(slab, slab.Bytes.AsMemory(offset, bytes.Length));
    }

    /// <summary>One span held in <paramref name="slab"/> is no longer needed; an empty slab goes back to the pool
    /// (the one being filled too: the next span takes a slab from the pool again).</summary>
    public void Release(Slab slab)
    {
        if (--slab.Live > 0) return;
        if (slab == _current) _current = null;
        Retire(slab);
    }

    /// <summary>The slab being filled, or a new one when the span does not fit (the old one retires with its last span).</summary>
    private Slab Current(int length)
    {
        if (_current is { } current && current.Bytes.Length - current.Used >= length) return current;
        return _current = Take(slabSize, pooled: true);
    }

    private Slab Take(int size, bool pooled)
    {
        _slabsInUse++;
        var slab = pooled && _free.TryPop(out var reused) ? reused : new Slab(GC.AllocateUninitializedArray<byte>(size, pinned: true), pooled);
        BytesInUse += slab.Bytes.Length;
        return slab;
    }

    private void Retire(Slab slab)
    {
        _slabsInUse--;
        BytesInUse -= slab.Bytes.Length;
        slab.Used = 0;
        // Enough empty slabs for the next fills (decisions free a tick's worth at once), not the high-water mark of a burst.
        if (slab.Pooled && _free.Count < _slabsInUse / 4 + 4) _free.Push(slab);
    }
}

/// <summary>One slab of an arena: its bytes, how far it is filled, and how many held spans still point into it.</summary>
internal sealed class Slab(byte[] bytes, bool pooled)
{
    public byte[] Bytes { get; } = bytes;

    public bool Pooled { get; } = pooled;

    public int Used { get; set; }

    public int Live { get; set; }
}
