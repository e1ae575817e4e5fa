using Kubetrace.Config;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Service;

namespace Kubetrace.Tests.Api;

/// <summary>The kubetrace storage exporter's config and its wiring in the built-in default config.</summary>
public sealed class KubetraceExporterTests
{
    [Theory]
    [InlineData("10GiB", 10L << 30)]
    [InlineData("500MB", 500_000_000L)]
    [InlineData("1.5 TiB", 3L << 39)]
    [InlineData("4096", 4096L)]
    [InlineData("64Mi", 64L << 20)]
    public void Disk_sizes_are_read_as_people_write_them(string text, long bytes)
    {
        Assert.True(ByteSize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("-5GiB")]
    [InlineData("10 parsecs")]
    public void A_bad_max_disk_size_is_a_config_problem(string text)
    {
        var problem = Assert.Single(new KubetraceExporterConfig { MaxDiskSize = text }.Validate());
        Assert.Equal("max_disk_size", problem.Key);
        Assert.Contains(text, problem.Message);
    }

    [Fact]
    public void Data_folder_is_the_path_key_else_the_environment_variable_else_data_in_the_working_directory()
    {
        Func<string, string?> unset = _ => null;
        Func<string, string?> set = name => name == "KUBETRACE_DATA" ? "/srv/traces" : null;

        Assert.Equal(Path.GetFullPath("data"), new KubetraceExporterConfig().ResolvedPath(unset));
        Assert.Equal("/srv/traces", new KubetraceExporterConfig().ResolvedPath(set));
        Assert.Equal("/tmp/x", new KubetraceExporterConfig { Directory = "/tmp/x" }.ResolvedPath(set));
    }

    [Fact]
    public void Default_config_sends_otlp_straight_to_the_store_and_serves_the_query_apis()
    {
        var result = new ConfigLoader(ComponentCatalog.Default, _ => null).Load(DefaultConfig.Yaml, DefaultConfig.SourceName);
        Assert.True(result.IsValid, string.Join("\n", result.Errors));

        var graph = ServiceGraph.Build(result.Config!, id => new Kubetrace.Components.ComponentSettings(id,
            Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance, new Kubetrace.Telemetry.MetricsRegistry(),
            new Kubetrace.Components.ServiceStatus()));
        // No batch processor: it would acknowledge before the store made the spans durable.
        Assert.Equal(["traces: otlp → kubetrace"], graph.PipelineSummaries);
        Assert.Contains("extension kubetrace_query", graph.StartOrder.Select(c => c.Label));
    }

    [Fact]
    public async Task Query_extension_naming_a_missing_storage_fails_at_start_with_the_name()
    {
        var yaml = """
            receivers:
              otlp:
                protocols:
                  http:
                    endpoint: 127.0.0.1:0
            exporters:
              nop:
            extensions:
              kubetrace_query:
                storage: kubetrace/missing
                endpoint: 127.0.0.1:0
                tempo_endpoint: ""
            service:
              extensions: [kubetrace_query]
              pipelines:
                traces:
                  receivers: [otlp]
                  exporters: [nop]

            """ + ServiceTestHost.Telemetry;
        var error = await Assert.ThrowsAsync<ServiceStartException>(() => ServiceTestHost.StartAsync(yaml, ComponentCatalog.Default));
        Assert.Contains("storage \"kubetrace/missing\"", error.Message);
    }
}
