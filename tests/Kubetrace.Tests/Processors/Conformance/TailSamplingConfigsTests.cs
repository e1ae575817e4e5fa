using Kubetrace.Processors.TailSampling;

namespace Kubetrace.Tests.Processors.Conformance;

/// <summary>processor/tailsamplingprocessor/testdata and README examples, loaded or refused as the Collector does.</summary>
public class TailSamplingConfigsTests
{
    [SkippableFact]
    public void The_upstream_testdata_binds_every_policy()
    {
        var path = CollectorConfigs.FindFile("tailsampling/tail_sampling_config.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);

        Assert.Empty(diagnostics.Errors);
        var config = CollectorConfigs.Settings<TailSamplingConfig>(processors, "tail_sampling");
        Assert.Equal((TimeSpan.FromSeconds(10), 100L, 10L), (config.DecisionWait, config.NumTraces, config.ExpectedNewTracesPerSec));
        Assert.Equal(["always_sample", "latency", "numeric_attribute", "probabilistic", "status_code", "string_attribute", "rate_limiting",
            "span_count", "trace_state", "and", "composite"], config.Policies.Select(p => p.Type));
        Assert.Equal("custom-salt", config.Policies[3].Probabilistic.HashSalt);
        var composite = config.Policies[^1].Composite;
        Assert.Equal(1000, composite.MaxTotalSpansPerSecond);
        Assert.Equal([50L, 25L], composite.RateAllocation.Select(a => a.Percent));
        Assert.Equal(2, config.Policies[9].And.AndSubPolicy.Count);
        // Built, the whole tree runs.
        Assert.NotNull(new TailSamplingProcessor(TestSupport.TestSettings.For("tail_sampling"), config, new RecordingConsumer()));
    }

    [SkippableFact]
    public void The_bytes_limiting_example_loads()
    {
        var path = CollectorConfigs.FindFile("tailsampling/readme_example_bytes_limiting.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);
        Assert.Empty(diagnostics.Errors);
        var limit = CollectorConfigs.Settings<TailSamplingConfig>(processors, "tail_sampling").Policies.Single().BytesLimiting;
        Assert.Equal((1048576L, 5242880L), (limit.BytesPerSecond, limit.BurstCapacity));
    }

    [SkippableTheory]
    [InlineData("INVALID_numeric_attribute_with_minvalue_greather_than_maxvalue.yaml", "processors::tail_sampling::policies::0::numeric_attribute::min_value",
        "numeric_attribute policy \"test-policy-3\": min_value (500) must be less than or equal to max_value (100)")]
    [InlineData("INVALID_numeric_attribute_without_minvalue_or_maxvalue.yaml", "processors::tail_sampling::policies::0::numeric_attribute",
        "numeric_attribute policy \"test-policy-3\": at least one of min_value and max_value must be set")]
    public void The_invalid_testdata_is_refused_at_its_key(string file, string keyPath, string message)
    {
        var path = CollectorConfigs.FindFile($"tailsampling/{file}");
        var (_, diagnostics) = CollectorConfigs.Load(path);
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal((keyPath, message), (error.KeyPath, error.Message));
        Assert.True(error.Line > 0);
    }

    [SkippableFact]
    public void The_practical_example_is_refused_for_its_rule_7_quirk_as_the_collector_refuses_unknown_keys()
    {
        // Rule 7 writes `value:` inside a string_attribute block, which has no such key (it has `values`); the
        // Collector's decoder rejects unknown keys too.
        var path = CollectorConfigs.FindFile("tailsampling/readme_practical_example.yaml");
        var (_, diagnostics) = CollectorConfigs.Load(path);
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal("processors::tail_sampling::policies::6::drop::drop_sub_policy::0::string_attribute::value", error.KeyPath);
        Assert.StartsWith("unknown key \"value\"", error.Message);
    }

    [SkippableFact]
    public void Ottl_condition_policies_load_with_their_default_error_mode()
    {
        var errorMode = CollectorConfigs.FindFile("tailsampling/tail_sampling_config_errormode.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(errorMode);
        Assert.Empty(diagnostics.Errors);
        var ottl = CollectorConfigs.Settings<TailSamplingConfig>(processors, "tail_sampling").Policies.Single().OttlCondition;
        Assert.Equal("propagate", ottl.ErrorMode);
        Assert.Equal(["attributes[\"test_attr\"] == \"val\""], ottl.Span);
    }

    [SkippableFact]
    public void The_all_policies_example_loads_and_builds()
    {
        var path = CollectorConfigs.FindFile("tailsampling/readme_example_all_policies.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);
        Assert.Empty(diagnostics.Errors);
        var config = CollectorConfigs.Settings<TailSamplingConfig>(processors, "tail_sampling");
        Assert.Equal((100_000, 100_000), (config.DecisionCache.SampledCacheSize, config.DecisionCache.NonSampledCacheSize));
        Assert.Equal(16, config.Policies.Count);
        Assert.NotNull(new TailSamplingProcessor(TestSupport.TestSettings.For("tail_sampling"), config, new RecordingConsumer()));
    }
}
