using Kubetrace.Pipeline;
using Kubetrace.Tests.Config;

namespace Kubetrace.Tests.Service;

/// <summary>How the service wires receivers, processors and exporters, and in which order it starts and stops them.</summary>
public class ServiceWiringTests
{
    private static readonly string TwoPipelines = new TestServiceConfig()
        .Receiver("otlp").Receiver("otlp/2")
        .Processor("tag", "send_batch_size: 1").Processor("tag/2", "send_batch_size: 1")
        .Exporter("debug").Exporter("otlp").Exporter("otlp/other")
        .Extension("health_check")
        .Pipeline("traces", receivers: ["otlp"], processors: ["tag", "tag/2"], exporters: ["debug", "otlp"])
        .Pipeline("traces/2", receivers: ["otlp", "otlp/2"], exporters: ["debug", "otlp/other"])
        .Yaml;

    [Fact]
    public async Task Every_exporter_of_every_pipeline_gets_the_batch_and_shared_components_are_built_once()
    {
        var world = new TestWorld();
        await using var service = await ServiceTestHost.StartAsync(TwoPipelines, world.Catalog);
        var batch = ServiceTestHost.EmptyBatch();

        await world.Receivers["otlp"].PushAsync(batch);

        // One debug exporter serves both pipelines, so it sees the batch once per pipeline, as the same object.
        Assert.Equal([batch, batch], world.Exporters["debug"].Received);
        Assert.Equal([batch], world.Exporters["otlp"].Received);
        Assert.Equal([batch], world.Exporters["otlp/other"].Received);
        Assert.Equal(3, world.Exporters.Count);
        Assert.Equal(2, world.Receivers.Count);
        // Processors run in the order the pipeline lists them.
        var consumed = world.Events.Where(e => e.StartsWith("consume")).ToList();
        Assert.Equal(["consume processor tag", "consume processor tag/2"], consumed);
    }

    [Fact]
    public async Task A_failing_exporter_does_not_stop_the_others_and_the_receiver_gets_a_retryable_error()
    {
        var yaml = new TestServiceConfig()
            .Receiver("otlp")
            .Exporter("otlp/down", "fail: true")
            .Exporter("debug")
            .Yaml;
        var world = new TestWorld();
        await using var service = await ServiceTestHost.StartAsync(yaml, world.Catalog);
        var batch = ServiceTestHost.EmptyBatch();

        var error = await Assert.ThrowsAsync<ConsumerException>(() => world.Receivers["otlp"].PushAsync(batch).AsTask());

        Assert.Equal([batch], world.Exporters["debug"].Received);
        Assert.True(error.IsRetryable);
        Assert.Equal("exporter otlp/down: exporter otlp/down is down", error.Message);
    }

    [Fact]
    public async Task Starts_downstream_first_and_stops_in_reverse_so_held_data_is_flushed_before_exporters_stop()
    {
        var yaml = new TestServiceConfig()
            .Receiver("otlp")
            .Processor("batch")
            .Exporter("debug")
            .Extension("health_check")
            .Yaml;
        var world = new TestWorld();
        var service = await ServiceTestHost.StartAsync(yaml, world.Catalog);
        await world.Receivers["otlp"].PushAsync(ServiceTestHost.EmptyBatch()); // held by the batch processor

        Assert.Empty(world.Exporters["debug"].Received);
        await service.ShutdownAsync();

        Assert.Equal(
            [
                "start extension health_check",
                "start exporter debug",
                "start processor batch",
                "start receiver otlp",
                "consume processor batch",
                "shutdown receiver otlp",
                "shutdown processor batch",
                "export exporter debug", // the processor's flush reaches the exporter before it stops
                "shutdown exporter debug",
                "shutdown extension health_check",
            ],
            world.Events);
        Assert.True(service.Status.IsStopping);
    }
}
