using Kubetrace.Config;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Service;

namespace Kubetrace.Tests.Api;

/// <summary>How the built-in default config wires the kubetrace store to the query APIs, and a query extension naming a store that is not there.</summary>
public sealed class StorageWiringTests
{
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
        var yaml = new TestServiceConfig(0)
            .Exporter("nop")
            .Extension("kubetrace_query", """
                storage: kubetrace/missing
                endpoint: 127.0.0.1:0
                tempo_endpoint: ""
                """).Yaml;
        var error = await Assert.ThrowsAsync<ServiceStartException>(() => ServiceTestHost.StartAsync(yaml, ComponentCatalog.Default));
        Assert.Contains("storage \"kubetrace/missing\"", error.Message);
    }
}
