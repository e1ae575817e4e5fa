using Kubetrace.Components;

namespace Kubetrace.Processors.MemoryLimiter;

/// <summary>The <c>memory_limiter</c> processor's configuration, with the Collector's keys, defaults and checks.</summary>
public sealed class MemoryLimiterConfig : IValidatableConfig
{
    /// <summary>Time between memory measurements; required (the Collector's default of 0 is invalid).</summary>
    public TimeSpan CheckInterval { get; set; }

    /// <summary>Hard limit in MiB; takes precedence over <see cref="LimitPercentage"/>.</summary>
    public int LimitMib { get; set; }

    /// <summary>Expected growth between two checks, in MiB; the soft limit is limit - spike. 0: 20% of the limit.</summary>
    public int SpikeLimitMib { get; set; }

    /// <summary>Hard limit as a percentage of total memory (the cgroup limit when there is one).</summary>
    public int LimitPercentage { get; set; }

    /// <summary>Spike as a percentage of total memory. 0: 20% of the limit.</summary>
    public int SpikeLimitPercentage { get; set; }

    /// <summary>Least time between forced collections above the soft limit (GC is CPU-heavy; recovery needs CPU).</summary>
    public TimeSpan MinGcIntervalWhenSoftLimited { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Least time between forced collections above the hard limit; 0: at every check.</summary>
    public TimeSpan MinGcIntervalWhenHardLimited { get; set; }

    /// <summary>The Collector's checks in the Collector's order; like it, only the first problem is reported.</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        var first = FirstProblem();
        return first is null ? [] : [first.Value];
    }

    private ConfigProblem? FirstProblem()
    {
        // The Collector's fields are unsigned, so it rejects negatives while reading; here they are ints.
        foreach (var (key, value) in new[]
                 {
                     ("limit_mib", LimitMib), ("spike_limit_mib", SpikeLimitMib),
                     ("limit_percentage", LimitPercentage), ("spike_limit_percentage", SpikeLimitPercentage),
                 })
        {
            if (value < 0) return new(key, $"'{key}' must not be negative");
        }
        if (CheckInterval <= TimeSpan.Zero)
            return new("check_interval", "'check_interval' must be greater than zero");
        if (MinGcIntervalWhenSoftLimited < MinGcIntervalWhenHardLimited)
            return new("min_gc_interval_when_soft_limited",
                "'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'");
        if (LimitMib == 0 && LimitPercentage == 0)
            return new("limit_mib", "'limit_mib' or 'limit_percentage' must be greater than zero");
        if (LimitPercentage > 100 || SpikeLimitPercentage > 100)
            return new(LimitPercentage > 100 ? "limit_percentage" : "spike_limit_percentage",
                "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred");
        if (LimitMib > 0 && LimitMib <= SpikeLimitMib)
            return new("spike_limit_mib", "'spike_limit_mib' must be smaller than 'limit_mib'");
        if (LimitPercentage > 0 && LimitPercentage <= SpikeLimitPercentage)
            return new("spike_limit_percentage", "'spike_limit_percentage' must be smaller than 'limit_percentage'");
        return null;
    }
}
