namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Which trace IDs a block may hold, kept in memory for the block's whole life while its trace table is not: the
/// lowest and highest ID and a Bloom filter of ~10 bits per trace (7 probes: ~1% false positives), so that a trace
/// by ID or a rollup probe loads the footers of the blocks that hold the trace and of about one in a hundred others.
/// ~1.25 B per trace, against ~65 B per trace for the trace table it stands in for.
/// </summary>
internal sealed class TraceIdFilter
{
    private const int BitsPerTrace = 10, Probes = 7;
    private readonly ulong[] _bits;
    private readonly UInt128 _lowest, _highest;

    private TraceIdFilter(ulong[] bits, UInt128 lowest, UInt128 highest)
    {
        _bits = bits;
        _lowest = lowest;
        _highest = highest;
    }

    /// <summary>Managed bytes the filter keeps.</summary>
    public long Bytes => 24 + 32 + 16 + _bits.Length * 8L;

    /// <param name="sortedIds">The block's trace IDs, ascending (a trace table's).</param>
    public static TraceIdFilter Of(UInt128[] sortedIds)
    {
        if (sortedIds.Length == 0) return new TraceIdFilter([], UInt128.MaxValue, UInt128.MinValue);
        var bits = new ulong[Math.Max(1, (int)(((long)sortedIds.Length * BitsPerTrace + 63) / 64))];
        var filter = new TraceIdFilter(bits, sortedIds[0], sortedIds[^1]);
        foreach (var id in sortedIds)
        {
            var (h1, h2) = Hashes(id);
            for (var i = 0UL; i < Probes; i++)
            {
                var (word, mask) = filter.Bit(h1, h2, i);
                bits[word] |= mask;
            }
        }
        return filter;
    }

    /// <summary>False when the block surely does not hold the trace; true when it may.</summary>
    public bool MayHold(UInt128 id)
    {
        if (id < _lowest || id > _highest) return false;
        var (h1, h2) = Hashes(id);
        for (var i = 0UL; i < Probes; i++)
        {
            var (word, mask) = Bit(h1, h2, i);
            if ((_bits[word] & mask) == 0) return false;
        }
        return true;
    }

    /// <summary>The <paramref name="probe"/>-th bit of an ID's hashes (double hashing): its word and its mask in it.</summary>
    private (int Word, ulong Mask) Bit(ulong h1, ulong h2, ulong probe)
    {
        var bit = (h1 + probe * h2) % ((ulong)_bits.Length * 64);
        return ((int)(bit >> 6), 1UL << (int)(bit & 63));
    }

    /// <summary>Two independent hashes of the ID for double hashing (IDs are not always random: tests and some
    /// clients count up), from SplitMix64's finaliser.</summary>
    internal static (ulong, ulong) Hashes(UInt128 id)
    {
        var low = (ulong)id;
        var high = (ulong)(id >> 64);
        return (Mix(low ^ Mix(high)), Mix(high + 0x9E3779B97F4A7C15 ^ low) | 1);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
