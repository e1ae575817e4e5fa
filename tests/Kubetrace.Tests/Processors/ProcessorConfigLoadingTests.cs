using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Pipeline;
using Kubetrace.Processors.Batch;
using Kubetrace.Processors.MemoryLimiter;

namespace Kubetrace.Tests.Processors;

/// <summary>The processors' config classes as the Collector-format loader binds and checks them.</summary>
public class ProcessorConfigLoadingTests
{
    /// <summary>Only the loader sees it: pipelines need a receiver, and none is under test here.</summary>
    private sealed class NoReceiverConfig;

    private sealed class StubReceiverFactory() : ComponentFactory<NoReceiverConfig>("stub", ComponentKind.Receiver), IReceiverFactory
    {
        public IReceiver Create(ComponentSettings settings, object config, ITraceConsumer next) => throw new NotSupportedException();
    }

    private static ConfigLoadResult Load(string processors) =>
        new ConfigLoader(new ComponentCatalog(ComponentRegistry.Processors.Cast<IComponentFactory>()
            .Concat(ComponentRegistry.Exporters).Append(new StubReceiverFactory()))).Load(
            $"""
            receivers:
              stub:
            processors:
            {processors}
            exporters:
              nop:
            service:
              pipelines:
                traces:
                  receivers: [stub]
                  processors: [memory_limiter, batch]
                  exporters: [nop]
            """, "config.yaml");

    [Fact]
    public void Binds_the_collectors_keys_over_the_defaults()
    {
        var result = Load("""
              batch:
                send_batch_size: 1000
                timeout: 1s
                metadata_keys: [x-tenant]
              memory_limiter:
                check_interval: 1s
                limit_mib: 4000
                spike_limit_mib: 800
            """);

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
        var result = Load("""
              batch:
              memory_limiter:
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("processors::memory_limiter::check_interval", error.KeyPath);
        Assert.Contains("'check_interval' must be greater than zero", error.Message);
    }

    [Fact]
    public void A_max_size_below_the_size_is_reported_at_its_key()
    {
        var result = Load("""
              batch:
                send_batch_size: 100
                send_batch_max_size: 10
              memory_limiter:
                check_interval: 1s
                limit_percentage: 80
                spike_limit_percentage: 20
            """);

        var error = Assert.Single(result.Errors);
        Assert.Equal("processors::batch::send_batch_max_size", error.KeyPath);
        Assert.Equal("send_batch_max_size must be greater or equal to send_batch_size", error.Message);
    }

    [Fact]
    public void Tail_samplings_byte_bound_binds_and_a_non_positive_one_is_reported_at_its_key()
    {
        const string Bounded = """
              memory_limiter:
                check_interval: 1s
                limit_mib: 4000
              batch:
              tail_sampling:
                max_buffered_bytes: 1048576
                policies: [{ name: all, type: always_sample }]
            """;
        var result = Load(Bounded);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var tail = (Kubetrace.Processors.TailSampling.TailSamplingConfig)result.Config!.Processors[new ComponentId("tail_sampling", "")].Settings;
        Assert.Equal(1_048_576, tail.MaxBufferedBytes);

        var error = Assert.Single(Load(Bounded.Replace("1048576", "0")).Errors);
        Assert.Equal(("processors::tail_sampling::max_buffered_bytes", "max_buffered_bytes must be greater than 0"), (error.KeyPath, error.Message));
    }
}
