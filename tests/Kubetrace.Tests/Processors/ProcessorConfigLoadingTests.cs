using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors;

/// <summary>The processors' config classes as the Collector-format loader binds and checks them.</summary>
public class ProcessorConfigLoadingTests
{
    /// <summary>
    /// A config whose traces pipeline runs memory_limiter then batch; a test adds the processors' sections (one it
    /// adds beyond those two is declared, not in the pipeline).
    /// </summary>
    private static TestServiceConfig Config() =>
        new TestServiceConfig().OtlpHttp().Exporter("nop").Pipeline("traces", ["otlp"], ["nop"], ["memory_limiter", "batch"]);

    [Fact]
    public void Binds_the_collectors_keys_over_the_defaults()
    {
        var result = Config()
            .Processor("batch", """
                send_batch_size: 1000
                timeout: 1s
                metadata_keys: [x-tenant]
                """)
            .Processor("memory_limiter", """
                check_interval: 1s
                limit_mib: 4000
                spike_limit_mib: 800
                """)
            .Load();

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var batch = (BatchConfig)result.Config!.Processors[new ComponentId("batch", "")].Settings;
        Assert.Equal(1000, batch.SendBatchSize);
        Assert.Equal(0, batch.SendBatchMaxSize);
        Assert.Equal(TimeSpan.FromSeconds(1), batch.Timeout);
        Assert.Equal(["x-tenant"], batch.MetadataKeys);
        var limiter = (MemoryLimiterConfig)result.Config.Processors[new ComponentId("memory_limiter", "")].Settings;
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.CheckInterval);
        Assert.Equal(4000, limiter.LimitMib);
        Assert.Equal(800, limiter.SpikeLimitMib);
        Assert.Equal(TimeSpan.FromSeconds(10), limiter.MinGcIntervalWhenSoftLimited);
    }

    [Fact]
    public void Empty_sections_mean_defaults_and_memory_limiter_then_reports_its_required_check_interval()
    {
        var result = Config().Processor("batch").Processor("memory_limiter").Load();

        var error = Assert.Single(result.Errors);
        Assert.Equal("processors::memory_limiter::check_interval", error.KeyPath);
        Assert.Contains("'check_interval' must be greater than zero", error.Message);
    }

    [Fact]
    public void A_max_size_below_the_size_is_reported_at_its_key()
    {
        var result = Config()
            .Processor("batch", """
                send_batch_size: 100
                send_batch_max_size: 10
                """)
            .Processor("memory_limiter", """
                check_interval: 1s
                limit_percentage: 80
                spike_limit_percentage: 20
                """)
            .Load();

        var error = Assert.Single(result.Errors);
        Assert.Equal("processors::batch::send_batch_max_size", error.KeyPath);
        Assert.Equal("send_batch_max_size must be greater or equal to send_batch_size", error.Message);
    }

    [Fact]
    public void Tail_samplings_byte_bound_binds_and_a_non_positive_one_is_reported_at_its_key()
    {
        ConfigLoadResult Load(long maxBufferedBytes) => Config()
            .Processor("memory_limiter", "check_interval: 1s\nlimit_mib: 4000")
            .Processor("batch")
            .Processor("tail_sampling", $"max_buffered_bytes: {maxBufferedBytes}\npolicies: [{{ name: all, type: always_sample }}]")
            .Load();

        var result = Load(1_048_576);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var tail = (Kubetrace.Processors.TailSampling.TailSamplingConfig)result.Config!.Processors[new ComponentId("tail_sampling", "")].Settings;
        Assert.Equal(1_048_576, tail.MaxBufferedBytes);

        var error = Assert.Single(Load(0).Errors);
        Assert.Equal(("processors::tail_sampling::max_buffered_bytes", "max_buffered_bytes must be greater than 0"), (error.KeyPath, error.Message));
    }
}
