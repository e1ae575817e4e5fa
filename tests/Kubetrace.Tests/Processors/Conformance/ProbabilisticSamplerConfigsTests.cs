using Kubetrace.Processors.ProbabilisticSampler;

namespace Kubetrace.Tests.Processors.Conformance;

/// <summary>processor/probabilisticsamplerprocessor/testdata and README examples, loaded or refused as config_test.go expects.</summary>
public class ProbabilisticSamplerConfigsTests
{
    [SkippableFact]
    public void The_upstream_testdata_config_binds_every_key()
    {
        var path = CollectorConfigs.FindFile("probabilistic_sampler/config.yaml");
        var (processors, diagnostics) = CollectorConfigs.Load(path);

        Assert.Empty(diagnostics.Errors);
        var traces = CollectorConfigs.Settings<ProbabilisticSamplerConfig>(processors, "probabilistic_sampler");
        Assert.Equal(15.3f, traces.SamplingPercentage);
        Assert.Equal(SamplerMode.Proportional, traces.EffectiveMode);
        Assert.True(traces.FailClosed);
        Assert.Equal(4, traces.SamplingPrecision);
        var logs = CollectorConfigs.Settings<ProbabilisticSamplerConfig>(processors, "probabilistic_sampler/logs");
        Assert.Equal(22u, logs.HashSeed);
        Assert.Equal(SamplerMode.HashSeed, logs.EffectiveMode);
        Assert.Equal(("record", "foo", "bar"), (logs.AttributeSource, logs.FromAttribute, logs.SamplingPriority));
        // Logs-only keys are accepted, and said to be so.
        Assert.Contains(diagnostics.Warnings, w => w.KeyPath == "processors::probabilistic_sampler/logs::sampling_priority");
    }

    [SkippableTheory]
    [InlineData("readme_example_15pct.yaml")]
    [InlineData("readme_example_logs_by_attribute.yaml")]
    [InlineData("readme_example_logs_priority.yaml")]
    public void The_readme_examples_load(string file)
    {
        var path = CollectorConfigs.FindFile($"probabilistic_sampler/{file}");
        var (processors, diagnostics) = CollectorConfigs.Load(path);
        Assert.Empty(diagnostics.Errors);
        Assert.Equal(15f, CollectorConfigs.Settings<ProbabilisticSamplerConfig>(processors, "probabilistic_sampler").SamplingPercentage);
    }

    [SkippableTheory]
    [InlineData("INVALID_invalid.yaml", "processors::probabilistic_sampler/logs::severity", "unknown key \"severity\"")]
    [InlineData("INVALID_invalid_inf.yaml", "processors::probabilistic_sampler/traces::sampling_percentage", "invalid number \"+Inf\"")]
    [InlineData("INVALID_invalid_negative.yaml", "processors::probabilistic_sampler/traces::sampling_percentage", "sampling rate is negative: -15.300000%")]
    [InlineData("INVALID_invalid_small.yaml", "processors::probabilistic_sampler/traces::sampling_percentage", "sampling rate is too small: 1e-15%")]
    [InlineData("INVALID_invalid_zero.yaml", "processors::probabilistic_sampler/traces::sampling_precision", "invalid sampling precision: 0")]
    [InlineData("INVALID_invalid_prec.yaml", "processors::probabilistic_sampler/traces::sampling_precision", "sampling precision is too great, should be <= 14: 15")]
    public void The_invalid_testdata_is_refused_at_its_key(string file, string keyPath, string message)
    {
        var path = CollectorConfigs.FindFile($"probabilistic_sampler/{file}");
        var (_, diagnostics) = CollectorConfigs.Load(path);
        var error = Assert.Single(diagnostics.Errors);
        Assert.Equal(keyPath, error.KeyPath);
        Assert.StartsWith(message, error.Message);
        Assert.True(error.Line > 0);
    }

    [SkippableFact]
    public void Every_file_of_the_folder_is_covered_here()
    {
        var names = CollectorConfigs.Files("probabilistic_sampler").Select(Path.GetFileName).ToList();
        Assert.Equal(10, names.Count);
    }
}
