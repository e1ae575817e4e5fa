namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// What a run's trace IDs are XORed with: derived from the seed, the window's start and the run identity. The
/// traffic's random stream depends on the seed alone, so without this key two runs with the same seed would draw
/// the same trace IDs at any start time, and a store holding both would merge unrelated traces. XOR with a constant
/// is a bijection, so IDs stay distinct within a run; across runs the keys differ in 128 bits.
/// </summary>
internal readonly record struct TraceIdKey(ulong High, ulong Low)
{
    public static TraceIdKey For(SimulationOptions options)
    {
        var keyed = new SimRandom(options.Seed ^ Mix((ulong)options.Start!.Value.UtcTicks) ^ Mix(~options.RunId));
        return new TraceIdKey(keyed.NextUInt64(), keyed.NextUInt64());
    }

    public SimulatedTraceId Apply(ulong high, ulong low)
    {
        var keyedLow = low ^ Low;
        // Zero trace IDs are invalid: the chance is 2^-128, but the check costs nothing.
        return new SimulatedTraceId(high ^ High, (high ^ High) == 0 && keyedLow == 0 ? 1 : keyedLow);
    }

    // SplitMix64's finaliser: nearby inputs (consecutive seconds, run 0 and 1) give unrelated outputs.
    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
