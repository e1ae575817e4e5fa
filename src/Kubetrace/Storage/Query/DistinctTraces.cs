using Kubetrace.Storage.Blocks;

namespace Kubetrace.Storage.Query;

/// <summary>
/// How many traces the parts hold, each counted once although its spans may lie in several parts (a trace cut
/// across heads, blocks written before its late spans arrived), for <c>stats</c>. A block adds its
/// <see cref="TraceCountSketch"/> (no footer read: at 10M spans, stats read every footer past the index cache),
/// a head its IDs. Exact while the traces seen are at most <see cref="ExactLimit"/> and no block is past
/// <see cref="TraceCountSketch.ExactLimit"/> traces; beyond, a HyperLogLog estimate (standard error ~1.6%).
/// Summing per part counted such a trace once per part.
/// </summary>
internal sealed class DistinctTraces
{
    /// <summary>Distinct hashes held exactly (~0.4 MB at most) before the count turns to registers.</summary>
    public const int ExactLimit = 16_384;

    private HashSet<ulong>? _exact = [];
    private byte[]? _registers;

    public static long Count(IEnumerable<ITracePart> parts)
    {
        var counter = new DistinctTraces();
        foreach (var part in parts)
            if (part is BlockReader block) block.Summary.TraceCounts.AddTo(counter);
            else foreach (var id in part.TraceIds()) counter.Add(TraceCountSketch.Hash(id));
        return counter.Count();
    }

    /// <summary>Counts a trace by its <see cref="TraceCountSketch.Hash"/>.</summary>
    public void Add(ulong hash)
    {
        if (_exact is null) TraceCountSketch.Set(_registers!, hash);
        else if (_exact.Add(hash) && _exact.Count > ExactLimit) ToRegisters();
    }

    /// <summary>Counts the traces of a block's HyperLogLog registers.</summary>
    public void Merge(byte[] registers)
    {
        if (_exact is not null) ToRegisters();
        for (var i = 0; i < registers.Length; i++)
            if (registers[i] > _registers![i]) _registers[i] = registers[i];
    }

    public long Count() => _exact?.Count ?? Estimate(_registers!);

    private void ToRegisters()
    {
        _registers = new byte[TraceCountSketch.Registers];
        foreach (var hash in _exact!) TraceCountSketch.Set(_registers, hash);
        _exact = null;
    }

    /// <summary>HyperLogLog's estimate (Flajolet et al. 2007), with linear counting while registers are still empty
    /// (up to ~10k traces; 64-bit hashes need no large-range correction).</summary>
    private static long Estimate(byte[] registers)
    {
        double m = registers.Length, sum = 0;
        var zeros = 0;
        foreach (var r in registers)
        {
            sum += Math.ScaleB(1, -r);
            if (r == 0) zeros++;
        }
        var estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
        if (estimate <= 2.5 * m && zeros > 0) estimate = m * Math.Log(m / zeros);
        return (long)Math.Round(estimate);
    }
}
