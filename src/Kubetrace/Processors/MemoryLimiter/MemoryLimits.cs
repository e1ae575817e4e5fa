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

    public override string ToString() => $"hard limit {Hard / MiB} MiB, soft limit {Soft / MiB} MiB";
}
