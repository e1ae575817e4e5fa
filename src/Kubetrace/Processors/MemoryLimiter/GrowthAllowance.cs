namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>
/// How much data the limiter lets through before it must measure memory again, sooner than its next
/// <c>check_interval</c> tick: a sixteenth of the room left under the soft limit at the last measurement, in the
/// batches' encoded bytes.
/// </summary>
/// <remarks>
/// Why: the Collector measures only on its tick because Go's <c>ReadMemStats</c> stops the world; it relies on
/// <c>spike_limit_mib</c> covering the growth of one interval. Here a measurement is one read of the resident set,
/// and the store keeps what it is given: at 100k spans/s memory grew 70 MiB within one second of a 1 s interval,
/// past the whole spike, and a flooded server reached limit + 27% before its next tick saw it. Measuring after a
/// share of the room has been admitted bounds the overshoot by the data, whatever the rate. Held memory grows by
/// several times the encoded bytes admitted (decoded spans in the store's head, and the garbage of decoding them: about
/// 5–7× under the soak), so a sixteenth keeps one step well inside the room; as the room shrinks so does the step,
/// down to <see cref="MinStep"/>, and the measurement that finds memory above the soft limit refuses.
/// </remarks>
internal sealed class GrowthAllowance
{
    /// <summary>The least data admitted between two measurements: near the limit a measurement per small batch
    /// would only cost CPU, and 256 KiB grows memory by a few MiB at most.</summary>
    internal const long MinStep = 256 * 1024;

    private const int ShareOfRoom = 16;

    private long _admitted;
    private long _step = long.MaxValue; // nothing measured yet: the first tick comes at once
    private int _measurementDue; // 1 while a measurement has been asked for and not made

    /// <summary>Starts a new allowance from a measurement of <paramref name="inUse"/> bytes against <paramref name="soft"/>.</summary>
    public void Measured(long inUse, long soft)
    {
        Volatile.Write(ref _step, Math.Max(MinStep, (soft - inUse) / ShareOfRoom));
        Interlocked.Exchange(ref _admitted, 0);
        Volatile.Write(ref _measurementDue, 0);
    }

    /// <summary>Counts <paramref name="bytes"/> admitted; true exactly once when the allowance is used up, telling the
    /// caller to measure (until <see cref="Measured"/> starts the next one).</summary>
    public bool Admit(long bytes) =>
        Interlocked.Add(ref _admitted, bytes) >= Volatile.Read(ref _step)
        && Interlocked.CompareExchange(ref _measurementDue, 1, 0) == 0;
}
