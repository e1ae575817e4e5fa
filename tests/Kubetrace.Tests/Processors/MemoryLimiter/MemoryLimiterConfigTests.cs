using Kubetrace.Components;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors.MemoryLimiter;

public class MemoryLimiterConfigTests
{
    private const long MiB = 1024 * 1024;

    public static TheoryData<MemoryLimiterConfig, ConfigProblem> BrokenConfigs => new()
    {
        { new MemoryLimiterConfig { LimitMib = 100 },
            new("check_interval", "'check_interval' must be greater than zero") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1) },
            new("limit_mib", "'limit_mib' or 'limit_percentage' must be greater than zero") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 10, SpikeLimitMib = 10 },
            new("spike_limit_mib", "'spike_limit_mib' must be smaller than 'limit_mib'") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitPercentage = 101 },
            new("limit_percentage", "'limit_percentage' and 'spike_limit_percentage' must be greater than zero and less than or equal to hundred") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitPercentage = 50, SpikeLimitPercentage = 60 },
            new("spike_limit_percentage", "'spike_limit_percentage' must be smaller than 'limit_percentage'") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 100, MinGcIntervalWhenSoftLimited = TimeSpan.FromSeconds(1), MinGcIntervalWhenHardLimited = TimeSpan.FromSeconds(2) },
            new("min_gc_interval_when_soft_limited", "'min_gc_interval_when_soft_limited' should be larger than 'min_gc_interval_when_hard_limited'") },
        { new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = -5 },
            new("limit_mib", "'limit_mib' must not be negative") },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void Broken_configs_get_the_collectors_message_for_the_first_problem(MemoryLimiterConfig config, ConfigProblem expected)
    {
        Assert.Equal([expected], config.Validate());
    }

    [Fact]
    public void The_default_config_is_invalid_because_check_interval_is_required()
    {
        var config = (MemoryLimiterConfig)new MemoryLimiterProcessorFactory().CreateDefaultConfig();

        Assert.Equal(TimeSpan.FromSeconds(10), config.MinGcIntervalWhenSoftLimited);
        Assert.Equal("check_interval", Assert.Single(config.Validate()).Key);
    }

    [Fact]
    public void A_fixed_limit_wins_over_a_percentage_and_an_unset_spike_is_a_fifth_of_the_limit()
    {
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitMib = 500, LimitPercentage = 10 };

        Assert.Empty(config.Validate());
        Assert.Equal(new MemoryLimits(500 * MiB, 100 * MiB), MemoryLimits.From(config, () => throw new InvalidOperationException("not needed")));
        Assert.Equal(400 * MiB, MemoryLimits.From(config, () => 0).Soft);
    }

    [Fact]
    public void Percentages_are_of_total_memory()
    {
        var config = new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitPercentage = 80, SpikeLimitPercentage = 25 };

        Assert.Equal(new MemoryLimits(800 * MiB, 250 * MiB), MemoryLimits.From(config, () => 1000 * MiB));
        Assert.Equal(new MemoryLimits(800 * MiB, 160 * MiB),
            MemoryLimits.From(new MemoryLimiterConfig { CheckInterval = TimeSpan.FromSeconds(1), LimitPercentage = 80 }, () => 1000 * MiB));
    }
}
