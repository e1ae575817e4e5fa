using Kubetrace.Config;
using Kubetrace.Service;
using Kubetrace.Tests.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Service;

/// <summary>
/// The seed document's collector config (issue 2) must run unchanged with the real components. It is loaded and
/// wired here without starting, because it listens on the fixed default ports.
/// </summary>
public class SeedConfigTests
{
    [Fact]
    public void Seed_config_loads_with_the_real_components_and_builds_its_pipeline()
    {
        var path = Path.Combine(Path.GetDirectoryName(TestData.Directory)!, "..", "Service", "testdata", "seed.yaml");
        var result = new ConfigLoader(ComponentCatalog.Default, _ => null).LoadFile(path);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        var graph = ServiceGraph.Build(result.Config!, id =>
            new Components.ComponentSettings(id, NullLoggerFactory.Instance, new Kubetrace.Telemetry.MetricsRegistry(), new Components.ServiceStatus()));
        Assert.Equal(["traces: otlp → logging"], graph.PipelineSummaries);
        Assert.Equal(["exporter logging", "receiver otlp"], graph.StartOrder.Select(c => c.Label));
    }

    [Fact]
    public void Built_in_default_config_is_valid()
    {
        var result = new ConfigLoader(ComponentCatalog.Default, _ => null).Load(DefaultConfig.Yaml, DefaultConfig.SourceName);

        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        Assert.Equal("localhost:8888", result.Config!.Telemetry.Metrics.EffectiveAddress);
    }
}
