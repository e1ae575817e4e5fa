using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Kubetrace;

namespace Kubetrace.Tests.Exporters;

/// <summary>The <c>kubetrace</c> exporter's store tuning keys (head cut, row groups, WAL codec): read from YAML
/// into the store's options, and every bad value reported at its line with the key and what would be valid.</summary>
public sealed class KubetraceExporterStoreTuningTests
{
    private static ConfigLoadResult Load(string exporterKeys) => KubetraceExporterTests.Load(exporterKeys);

    [Fact]
    public void Head_cut_row_group_and_wal_keys_reach_the_store_options()
    {
        var result = Load("""
            path: /var/lib/kubetrace
            max_head_spans: 20000
            max_head_age: 30s
            row_group_spans: 512
            wal_compression: false
            compaction_target_spans: 0
            compaction_interval: 10s
            """);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var options = ((KubetraceExporterConfig)result.Config!.Exporters[new ComponentId("kubetrace", "")].Settings).ToStoreOptions();
        Assert.Equal(("/var/lib/kubetrace", 20000, TimeSpan.FromSeconds(30), 512, false, 0),
            (options.Directory, options.MaxHeadSpans, options.MaxHeadAge, options.RowGroupSpans, options.WalCompression,
             options.CompactionTargetSpans));
        Assert.Equal(TimeSpan.FromSeconds(10), options.CompactionInterval);
    }

    [Fact]
    public void Rollup_keys_reach_the_store_options_and_rollups_false_registers_none()
    {
        var result = Load("rollups: false\nrollup_settle: 2m");

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var options = ((KubetraceExporterConfig)result.Config!.Exporters[new ComponentId("kubetrace", "")].Settings).ToStoreOptions();
        Assert.Equal((0, TimeSpan.FromMinutes(2)), (options.Rollups.Count, options.RollupSettle));
    }

    [Fact]
    public void By_default_the_store_keeps_the_rollup_of_every_analysis_that_has_one_and_the_TraceQL_metrics_rollup_after_30_seconds()
    {
        var options = new KubetraceExporterConfig { Directory = "/data" }.ToStoreOptions();

        Assert.Equal(Kubetrace.Analysis.AnalysisCatalog.All.Where(a => a.Rollup is not null).Select(a => a.Rollup!.Id)
            .Append(Kubetrace.Query.TraceQl.Metrics.SpanMetricsRollup.Instance.Id), options.Rollups.Select(r => r.Id));
        Assert.Equal(TimeSpan.FromSeconds(30), options.RollupSettle);
    }

    [Fact]
    public void Without_tuning_keys_the_store_cuts_at_500k_spans_or_5_minutes()
    {
        var options = new KubetraceExporterConfig { Directory = "/data" }.ToStoreOptions();

        Assert.Equal((500_000, TimeSpan.FromMinutes(5), 1024, true),
            (options.MaxHeadSpans, options.MaxHeadAge, options.RowGroupSpans, options.WalCompression));
    }

    [Theory]
    [InlineData("max_head_spans: 0", "config.yaml:7:21: exporters::kubetrace::max_head_spans: must be between 1 and 10,000,000 (got 0)")]
    [InlineData("max_head_spans: 20000000", "config.yaml:7:21: exporters::kubetrace::max_head_spans: must be between 1 and 10,000,000 (got 20000000)")]
    [InlineData("max_head_age: 0s", "config.yaml:7:19: exporters::kubetrace::max_head_age: must be a positive duration such as 5m or 30s (got 00:00:00)")]
    [InlineData("row_group_spans: 8", "config.yaml:7:22: exporters::kubetrace::row_group_spans: must be between 16 and 65,536 (got 8)")]
    [InlineData("compaction_target_spans: -1", "config.yaml:7:30: exporters::kubetrace::compaction_target_spans: must be between 0 (no compaction) and 10,000,000 (got -1)")]
    [InlineData("rollup_settle: -5s", "config.yaml:7:20: exporters::kubetrace::rollup_settle: must not be negative; a duration such as 30s or 2m (got -00:00:05)")]
    [InlineData("rollups: maybe", "config.yaml:7:14: exporters::kubetrace::rollups:")]
    [InlineData("max_head_spans: many", "config.yaml:7:21: exporters::kubetrace::max_head_spans:")]
    [InlineData("max_head_age: soon", "config.yaml:7:19: exporters::kubetrace::max_head_age:")]
    [InlineData("max_head_span: 100", "config.yaml:7:5: exporters::kubetrace::max_head_span: unknown key \"max_head_span\" (did you mean \"max_head_spans\"?)")]
    public void A_bad_tuning_value_is_reported_at_its_line_with_the_valid_range(string line, string expected)
    {
        var result = Load(line);

        Assert.False(result.IsValid);
        Assert.Contains(result.Errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }
}
