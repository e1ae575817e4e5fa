using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Exporters.Debug;
using Kubetrace.Exporters.File;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

/// <summary>Exporter sections of real Collector-format files bind to "the defaults plus these changes".</summary>
public sealed class ExporterConfigTests
{
    /// <summary>The config with these exporters, all of them in its traces pipeline, loaded.</summary>
    private static ConfigLoadResult Load(params (string Id, string Body)[] exporters)
    {
        var config = new TestServiceConfig().OtlpHttp();
        foreach (var (id, body) in exporters) config.Exporter(id, body);
        return config.Load();
    }

    private static T Exporter<T>(ConfigLoadResult result, string id)
    {
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        ComponentId.TryParse(id, out var parsed, out _);
        return (T)result.Config!.Exporters[parsed].Settings;
    }

    [Fact]
    public void The_seed_logging_config_binds_logLevel_debug_to_detailed()
    {
        var result = Load(("logging", "logLevel: debug"));

        var config = Exporter<LoggingExporterConfig>(result, "logging");

        Assert.Equal(Verbosity.Detailed, config.ToDebugConfig().Verbosity);
    }

    [Fact]
    public void Debug_takes_verbosity_and_sampling()
    {
        var result = Load(("debug/verbose", """
            verbosity: detailed
            sampling_initial: 5
            sampling_thereafter: 200
            """));

        var config = Exporter<DebugExporterConfig>(result, "debug/verbose");

        Assert.Equal((Verbosity.Detailed, 5, 200), (config.Verbosity, config.SamplingInitial, config.SamplingThereafter));
    }

    [Fact]
    public void Otlp_binds_tls_headers_compression_queue_and_retry_over_the_defaults()
    {
        var result = Load(("otlp/tempo", """
            endpoint: tempo.monitoring:4317
            tls:
              insecure: true
            headers:
              x-scope-orgid: cluster-a
            compression: none
            timeout: 10s
            sending_queue:
              num_consumers: 4
              queue_size: 5000
              sizer: items
              blocking: true
            retry_on_failure:
              initial_interval: 1s
              max_elapsed_time: 1m
            """));

        var config = Exporter<OtlpGrpcExporterConfig>(result, "otlp/tempo");

        Assert.Equal("http://tempo.monitoring:4317/", config.Address().ToString());
        Assert.Equal("cluster-a", config.Headers["x-scope-orgid"]);
        Assert.Equal(OtlpCompression.None, config.Compression);
        Assert.Equal(TimeSpan.FromSeconds(10), config.Timeout);
        Assert.Equal((true, 4, 5000, QueueSizer.Items, true), (config.SendingQueue.Enabled, config.SendingQueue.NumConsumers,
            config.SendingQueue.QueueSize, config.SendingQueue.Sizer, config.SendingQueue.Blocking));
        var defaults = new RetryConfig();
        Assert.Equal(TimeSpan.FromSeconds(1), config.RetryOnFailure.InitialInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), config.RetryOnFailure.MaxElapsedTime);
        Assert.Equal((defaults.Multiplier, defaults.RandomizationFactor, defaults.MaxInterval),
            (config.RetryOnFailure.Multiplier, config.RetryOnFailure.RandomizationFactor, config.RetryOnFailure.MaxInterval));
    }

    [Fact]
    public void Otlphttp_and_file_bind_their_own_keys()
    {
        var result = Load(
            ("otlphttp", """
                traces_endpoint: https://backend.example/otlp/v1/traces
                encoding: json
                """),
            ("file", """
                path: /var/lib/kubetrace/traces.jsonl
                format: proto
                flush_interval: 200ms
                rotation:
                  max_megabytes: 10
                  max_backups: 3
                  localtime: true
                """));

        var http = Exporter<OtlpHttpExporterConfig>(result, "otlphttp");
        var file = Exporter<FileExporterConfig>(result, "file");

        Assert.Equal("https://backend.example/otlp/v1/traces", http.TracesUrl().ToString());
        Assert.Equal(OtlpHttpEncoding.Json, http.Encoding);
        Assert.Equal(OtlpCompression.Gzip, http.Compression);
        Assert.Equal(FileFormat.Proto, file.Format);
        Assert.Equal(TimeSpan.FromMilliseconds(200), file.FlushInterval);
        Assert.Equal((10, 3, 0, true), (file.Rotation!.MaxMegabytes, file.Rotation.MaxBackups, file.Rotation.MaxDays, file.Rotation.Localtime));
    }

    [Theory]
    [InlineData("otlp", "endpoint: ''", "exporters::otlp::endpoint: is required (host:port)")]
    [InlineData("file", "format: json", "exporters::file::path: is required")]
    [InlineData("otlp", "endpoint: a:1\nsending_queue:\n  queue_size: 0",
        "exporters::otlp::sending_queue::queue_size: must be at least 1")]
    [InlineData("logging", "loglevel: verbose",
        "exporters::logging::loglevel: unknown level \"verbose\": use one of debug, info, warn, error")]
    [InlineData("clickhouse", "shard_endpoints: [http://a:8123]",
        "exporters::clickhouse::shard_endpoints: needs cluster_name: the shards are those of a cluster in the servers' remote_servers")]
    [InlineData("clickhouse", "cluster_name: traces\nshard_endpoints: [a:9000]",
        "exporters::clickhouse::shard_endpoints: \"a:9000\" is not the http:// or https:// URL of a shard's HTTP interface")]
    [InlineData("clickhouse", "max_inserts_in_flight: 0",
        "exporters::clickhouse::max_inserts_in_flight: must be at least 1 (got 0)")]
    [InlineData("clickhouse", "max_insert_size: lots",
        "exporters::clickhouse::max_insert_size: \"lots\" is not a positive size; write e.g. 32MiB")]
    public void Broken_exporter_configs_are_reported_with_the_key_path(string id, string body, string expected)
    {
        var result = Load((id, body));

        var error = Assert.Single(result.Errors);
        Assert.EndsWith(expected, error.ToString());
    }

    [Fact]
    public void The_clickhouse_exporter_groups_inserts_as_configured()
    {
        var result = Load(("clickhouse", "max_inserts_in_flight: 4\nmax_insert_size: 8MiB"));

        Assert.Empty(result.Errors);
        var options = ((Kubetrace.Exporters.ClickHouse.ClickHouseExporterConfig)result.Config!.Exporters[new ComponentId("clickhouse", "")].Settings).ToOptions();
        Assert.Equal((4, 8L << 20), (options.MaxInsertsInFlight, options.MaxInsertBytes));
        var defaults = new Kubetrace.Exporters.ClickHouse.ClickHouseExporterConfig().ToOptions();
        Assert.Equal((2, 32L << 20), (defaults.MaxInsertsInFlight, defaults.MaxInsertBytes));
    }
}
