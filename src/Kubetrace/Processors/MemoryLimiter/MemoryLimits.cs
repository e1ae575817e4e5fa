namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>The two thresholds, in bytes: above <see cref="Soft"/> data is refused, above <see cref="Hard"/> GC is forced.</summary>
public readonly record struct MemoryLimits(long Hard, long Spike)
{
    private const long MiB = 1024 * 1024;

    public long Soft => Hard - Spike;

    /// <summary>
    /// Resolves a (valid) config as the Collector does: <c>limit_mib</c> wins over <c>limit_percentage</c>, and a
    /// spike left at 0 is 20% of the limit.
    /// </summary>
    public static MemoryLimits From(MemoryLimiterConfig config, Func<long> totalMemory)
    {
        if (config.LimitMib > 0)
        {
            var hard = config.LimitMib * MiB;
            return new(hard, config.SpikeLimitMib > 0 ? config.SpikeLimitMib * MiB : hard / 5);
        }
        var total = totalMemory();
        var limit = total / 100 * config.LimitPercentage;
        return new(limit, config.SpikeLimitPercentage > 0 ? total / 100 * config.SpikeLimitPercentage : limit / 5);
    }

    /// <summary>
    /// The limits for a process that needs <paramref name="floor"/> bytes with no data held (runtime, compiled code,
    /// the store's block indexes) when that is above the soft limit: data is refused once memory has grown half a spike
    /// above the floor, and a GC is forced from there on (never below the configured limits). Refusing at the
    /// configured soft limit could never succeed: nothing refusal sheds would bring memory under it.
    /// </summary>
    public MemoryLimits AboveFloor(long floor)
    {
        var soft = Math.Max(Soft, floor + Spike / 2);
        var hard = Math.Max(Hard, soft);
        return new(hard, hard - soft);
    }

    public override string ToString() => $"hard limit {Hard / MiB} MiB, soft limit {Soft / MiB} MiB";
}
