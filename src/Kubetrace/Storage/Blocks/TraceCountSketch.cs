namespace Kubetrace.Storage.Blocks;

/// <summary>
/// A block's trace IDs reduced to what counting distinct traces across parts needs (<c>stats.traces</c>, a trace
/// cut across blocks counted once), kept in its <see cref="BlockSummary"/> so that stats read no footer: the
/// 64-bit hashes of its IDs while it holds at most <see cref="ExactLimit"/> traces, else a HyperLogLog of
/// <see cref="Registers"/> one-byte registers (standard error 1.04/√4096 ≈ 1.6%). At most 4 KiB per block.
/// </summary>
internal sealed class TraceCountSketch
{
    /// <summary>2^12 registers: 4 KiB, the same as <see cref="ExactLimit"/> hashes.</summary>
    public const int RegisterBits = 12, Registers = 1 << RegisterBits, ExactLimit = Registers / 8;

    private readonly ulong[]? _hashes;
    private readonly byte[]? _registers;

    private TraceCountSketch(ulong[]? hashes, byte[]? registers)
    {
        _hashes = hashes;
        _registers = registers;
    }

    /// <summary>Managed bytes the sketch keeps.</summary>
    public long Bytes => 24 + 16 + (_hashes?.Length * 8L ?? 0) + (_registers?.Length ?? 0);

    /// <param name="ids">The block's trace IDs, each once.</param>
    public static TraceCountSketch Of(UInt128[] ids)
    {
        if (ids.Length <= ExactLimit) return new TraceCountSketch(ids.Select(Hash).ToArray(), null);
        var registers = new byte[Registers];
        foreach (var id in ids) Set(registers, Hash(id));
        return new TraceCountSketch(null, registers);
    }

    /// <summary>Adds the sketch's traces to a count.</summary>
    public void AddTo(Query.DistinctTraces counter)
    {
        if (_hashes is not null) foreach (var hash in _hashes) counter.Add(hash);
        else counter.Merge(_registers!);
    }

    /// <summary>The hash of a trace ID the sketches and the counter share (TraceIdFilter's first).</summary>
    public static ulong Hash(UInt128 id) => TraceIdFilter.Hashes(id).Item1;

    /// <summary>Notes a hash in HyperLogLog registers: the register its top bits name keeps the longest run of
    /// leading zeros (plus one) seen in the rest.</summary>
    public static void Set(byte[] registers, ulong hash)
    {
        var register = (int)(hash >> (64 - RegisterBits));
        var rank = (byte)(ulong.LeadingZeroCount((hash << RegisterBits) | (1UL << (RegisterBits - 1))) + 1);
        if (rank > registers[register]) registers[register] = rank;
    }
}
