using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Pipeline;
using Kubetrace.Service;
using Kubetrace.Tests.Config;

namespace Kubetrace.Tests.Service;

/// <summary>Failures during start and shutdown: nothing is left running and nothing hangs.</summary>
public class ServiceLifecycleTests
{
    private static readonly string Pipeline = new TestServiceConfig().Receiver("otlp").Exporter("debug").Exporter("stuck").Yaml;

    [Fact]
    public async Task A_component_that_fails_to_start_stops_what_had_started()
    {
        var world = new TestWorld();
        var catalog = new ComponentCatalog([.. world.Catalog.All, new OddExporterFactory("stuck", failStart: true)]);

        var error = await Assert.ThrowsAsync<ServiceStartException>(() => ServiceTestHost.StartAsync(Pipeline, catalog));

        Assert.Equal("cannot start exporter stuck: port already taken", error.Message);
        Assert.Equal(["start exporter debug", "shutdown exporter debug"], world.Events);
    }

    [Fact]
    public async Task Shutdown_is_bounded_by_the_timeout_even_when_a_component_hangs()
    {
        var world = new TestWorld();
        var catalog = new ComponentCatalog([.. world.Catalog.All, new OddExporterFactory("stuck", failStart: false)]);
        var service = await ServiceTestHost.StartAsync(Pipeline, catalog, shutdownTimeout: TimeSpan.FromMilliseconds(300));

        // The stuck exporter never finishes, so shutdown returning at all shows the 300 ms timeout cut it short.
        await service.ShutdownAsync().WaitAsync(Wait.DefaultTimeout);

        Assert.Contains("shutdown exporter debug", world.Events); // the others still got their turn
        Assert.Contains("shutdown receiver otlp", world.Events);
    }

    /// <summary>An exporter that either fails to start or never finishes shutting down (ignoring cancellation).</summary>
    private sealed class OddExporterFactory(string type, bool failStart)
        : ComponentFactory<TestExtensionConfig>(type, ComponentKind.Exporter), IExporterFactory
    {
        public IExporter Create(ComponentSettings settings, object config) => new OddExporter(failStart);
    }

    private sealed class OddExporter(bool failStart) : IExporter
    {
        public Task StartAsync(CancellationToken cancellationToken) =>
            failStart ? throw new IOException("port already taken") : Task.CompletedTask;

        public Task ShutdownAsync(CancellationToken cancellationToken) => new TaskCompletionSource().Task;

        public ValueTask ConsumeAsync(TraceBatch batch, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
