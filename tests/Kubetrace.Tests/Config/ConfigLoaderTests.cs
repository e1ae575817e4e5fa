using Kubetrace.Components;
using Kubetrace.Config;

namespace Kubetrace.Tests.Config;

/// <summary>Valid configurations load as "the factory defaults plus what the file changes".</summary>
public class ConfigLoaderTests
{
    private readonly ComponentCatalog _catalog = new TestWorld().Catalog;

    private static ComponentId Id(string text) => ComponentId.TryParse(text, out var id, out _) ? id : throw new ArgumentException(text);

    [Fact]
    public void Full_config_binds_every_section_over_the_defaults()
    {
        var config = TestData.LoadValid("full.yaml", _catalog);

        var receiver = (TestReceiverConfig)config.Receivers[Id("otlp")].Settings;
        Assert.NotNull(receiver.Protocols.Grpc); // "grpc:" with no value enables it with defaults
        Assert.Equal("localhost:4317", receiver.Protocols.Grpc!.Endpoint);
        Assert.Equal(4, receiver.Protocols.Grpc.MaxRecvMsgSizeMiB);
        Assert.Equal("0.0.0.0:4318", receiver.Protocols.Http!.Endpoint);
        Assert.Equal(16, receiver.Protocols.Http.MaxRecvMsgSizeMiB);
        Assert.Null(((TestReceiverConfig)config.Receivers[Id("otlp/unused")].Settings).Protocols.Grpc);

        var batch = (TestProcessorConfig)config.Processors[Id("batch")].Settings;
        var expectedBatch = new TestProcessorConfig { SendBatchSize = 512, Timeout = TimeSpan.FromSeconds(90) };
        Assert.Equivalent(expectedBatch, batch);

        var backend = (TestExporterConfig)config.Exporters[Id("otlp/backend")].Settings;
        var expectedBackend = new TestExporterConfig
        {
            Endpoint = "backend:4317",
            Timeout = TimeSpan.FromMilliseconds(250),
            RetryOnFailure = new TestRetryConfig { InitialInterval = TimeSpan.FromSeconds(1), Multiplier = 2 },
            Headers = new() { ["authorization"] = "Bearer abc" },
            Tags = ["a", "b"],
        };
        Assert.Equivalent(expectedBackend, backend, strict: true);

        var debug = (TestExporterConfig)config.Exporters[Id("debug")].Settings;
        Assert.Equal(TestVerbosity.Detailed, debug.Verbosity);
        Assert.Equal("debug", debug.LogLevel); // written under its alias logLevel

        Assert.Equal([Id("health_check")], config.ServiceExtensions);
        Assert.Equal(TelemetryLogLevel.Debug, config.Telemetry.Logs.Level);
        Assert.Equal(TelemetryLogEncoding.Json, config.Telemetry.Logs.Encoding);
        Assert.Equal("127.0.0.1:9999", config.Telemetry.Metrics.EffectiveAddress);

        Assert.Collection(config.Pipelines,
            p => Assert.Equal(new PipelineConfig("traces", [Id("otlp")], [Id("batch")], [Id("otlp/backend"), Id("debug")]), p, PipelineComparer.Instance),
            p => Assert.Equal(new PipelineConfig("traces/2", [Id("otlp")], [], [Id("debug")]), p, PipelineComparer.Instance));
    }

    [Fact]
    public void Unused_components_are_accepted_with_a_warning()
    {
        var result = TestData.Load("full.yaml", _catalog);

        Assert.True(result.IsValid);
        Assert.Equal(
            ["full.yaml:8:3: receivers::otlp/unused: defined but not used by any pipeline, so it will not run"],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Environment_references_expand_as_in_the_Collector()
    {
        var environment = new Dictionary<string, string>
        {
            ["BACKEND_HOST"] = "collector.monitoring",
            ["BACKEND_PORT"] = "4317",
            ["EXPORT_TIMEOUT"] = "2s",
        };

        var result = TestData.Load("env.yaml", _catalog, environment);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var exporter = (TestExporterConfig)result.Config!.Exporters[Id("otlp")].Settings;
        Assert.Equal("collector.monitoring:4317", exporter.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(2), exporter.Timeout); // a whole-value reference binds like the literal
        Assert.Equal("${env:BACKEND_HOST}", exporter.Headers["literal"]); // $${...} is escaped
        Assert.Equal("price $5", exporter.Headers["dollars"]);
        Assert.Equal("none", exporter.Headers["fallback"]);
        Assert.Equal("[]", exporter.Headers["missing"]); // unset → empty, with a warning
        Assert.Equal(
            ["env.yaml:9:16: exporters::otlp::headers::missing: environment variable \"KUBETRACE_TEST_UNSET\" is not set; using an empty value"],
            result.Warnings.Select(w => w.ToString()));
    }

    [Fact]
    public void Unsupported_reference_schemes_are_errors()
    {
        const string yaml = "receivers:\n  otlp:\nexporters:\n  debug:\n    endpoint: ${file:/etc/endpoint}\nservice:\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

        var result = new ConfigLoader(_catalog, _ => null).Load(yaml, "config.yaml");

        Assert.Equal(
            ["config.yaml:5:15: exporters::debug::endpoint: unsupported reference \"${file:/etc/endpoint}\": Kubetrace expands only environment variables (${env:NAME} or ${NAME})"],
            result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Metrics_endpoint_from_a_pull_reader()
    {
        var config = TestData.LoadValid("readers.yaml", _catalog);

        Assert.Equal(MetricsLevel.Detailed, config.Telemetry.Metrics.Level);
        Assert.Equal("0.0.0.0:9090", config.Telemetry.Metrics.EffectiveAddress);
    }

    [Fact]
    public void Metrics_level_none_turns_the_endpoint_off()
    {
        const string yaml = "receivers:\n  otlp:\nexporters:\n  debug:\nservice:\n  telemetry:\n    metrics:\n      level: none\n  pipelines:\n    traces:\n      receivers: [otlp]\n      exporters: [debug]\n";

        var config = new ConfigLoader(_catalog, _ => null).Load(yaml, "config.yaml").Config!;

        Assert.Null(config.Telemetry.Metrics.EffectiveAddress);
    }

    [Fact]
    public void Missing_file_is_reported_by_name()
    {
        var result = new ConfigLoader(_catalog).LoadFile("/nonexistent/kubetrace.yaml");

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("/nonexistent/kubetrace.yaml: cannot read the configuration: ", error.ToString());
    }

    private sealed class PipelineComparer : IEqualityComparer<PipelineConfig>
    {
        public static readonly PipelineComparer Instance = new();

        public bool Equals(PipelineConfig? x, PipelineConfig? y) =>
            x!.Id == y!.Id && x.Receivers.SequenceEqual(y.Receivers) && x.Processors.SequenceEqual(y.Processors)
            && x.Exporters.SequenceEqual(y.Exporters);

        public int GetHashCode(PipelineConfig obj) => obj.Id.GetHashCode();
    }
}
