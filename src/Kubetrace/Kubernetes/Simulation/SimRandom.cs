namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the simulator's only source of randomness, so that one seed gives the
/// same output on every machine and .NET version (System.Random's seeded sequence is not a documented contract).
/// </summary>
internal sealed class SimRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public SimRandom(ulong seed)
    {
        var x = seed;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
    }

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>A uniform double in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, count).</summary>
    public int Next(int count) => (int)((NextUInt64() >> 33) * (ulong)count >> 31);

    /// <summary>A uniform long in [min, max].</summary>
    public long Between(long min, long max) => min + (long)(NextDouble() * (max - min + 1));

    /// <summary>Microseconds in [min, max] as nanoseconds: how span durations are drawn.</summary>
    public long Micros(int min, int max) => Between(min * 1000L, max * 1000L);

    public bool Chance(double probability) => NextDouble() < probability;

    public T Pick<T>(IReadOnlyList<T> items) => items[Next(items.Count)];

    /// <summary>A non-zero ID (zero trace and span IDs are invalid).</summary>
    public ulong NextId()
    {
        var id = NextUInt64();
        return id == 0 ? 1 : id;
    }

    /// <summary>A random (version 4) UUID, as audit IDs, pod UIDs and admission UIDs are.</summary>
    public string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, NextUInt64());
        BitConverter.TryWriteBytes(bytes[8..], NextUInt64());
        bytes[6] = (byte)(bytes[6] & 0x0F | 0x40);
        bytes[8] = (byte)(bytes[8] & 0x3F | 0x80);
        return new Guid(bytes, bigEndian: true).ToString();
    }

    private static ulong SplitMix(ref ulong x)
    {
        var z = x += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
