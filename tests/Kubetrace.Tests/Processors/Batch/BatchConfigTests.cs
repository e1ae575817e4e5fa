using Kubetrace.Components;
using Kubetrace.Processors.Batch;

namespace Kubetrace.Tests.Processors.Batch;

public class BatchConfigTests
{
    [Fact]
    public void Defaults_are_the_collectors_and_valid()
    {
        var config = (BatchConfig)new BatchProcessorFactory().CreateDefaultConfig();

        Assert.Equal(8192, config.SendBatchSize);
        Assert.Equal(0, config.SendBatchMaxSize);
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.Timeout);
        Assert.Empty(config.MetadataKeys);
        Assert.Equal(1000, config.MetadataCardinalityLimit);
        Assert.Empty(config.Validate());
    }

    public static TheoryData<BatchConfig, ConfigProblem> BrokenConfigs => new()
    {
        { new BatchConfig { SendBatchSize = 100, SendBatchMaxSize = 99 },
            new("send_batch_max_size", "send_batch_max_size must be greater or equal to send_batch_size") },
        { new BatchConfig { Timeout = TimeSpan.FromSeconds(-1) },
            new("timeout", "timeout must be greater or equal to 0") },
        { new BatchConfig { MetadataKeys = ["X-Tenant", "x-tenant"] },
            new("metadata_keys", "duplicate entry in metadata_keys: \"x-tenant\" (case-insensitive)") },
        { new BatchConfig { SendBatchSize = -1 },
            new("send_batch_size", "send_batch_size must not be negative") },
    };

    [Theory]
    [MemberData(nameof(BrokenConfigs))]
    public void Broken_configs_are_reported_with_the_key_and_the_collectors_message(BatchConfig config, ConfigProblem expected)
    {
        Assert.Equal([expected], config.Validate());
    }

    [Fact]
    public void A_max_size_equal_to_the_size_or_unset_is_valid()
    {
        Assert.Empty(new BatchConfig { SendBatchSize = 100, SendBatchMaxSize = 100 }.Validate());
        Assert.Empty(new BatchConfig { SendBatchSize = 100, SendBatchMaxSize = 0 }.Validate());
    }
}
