using Kubetrace.Tests.EndToEnd.Harness;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>SIGTERM drains the whole wired pipeline: what was acknowledged to clients reaches the exporters.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class GracefulShutdownTests
{
    [Fact]
    public async Task Spans_held_by_the_batch_processor_reach_the_file_when_the_server_gets_SIGTERM()
    {
        // A batch that would only be sent after an hour or 100,000 spans: nothing leaves the processor by itself.
        await using var server = await OtlpToFileServer.StartAsync(
            ("memory_limiter", "{ check_interval: 1s, limit_mib: 4000, spike_limit_mib: 800 }"),
            ("batch", "{ timeout: 1h, send_batch_size: 100000 }"));

        var sent = DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.Grpc, server.GrpcEndpoint);
        // Longer than the file exporter's flush interval (1s): had the batch been passed on, it would be written.
        await Task.Delay(TimeSpan.FromSeconds(2)); // not a wait: a time in which nothing may leave the processor
        var beforeShutdown = server.ReadOutputSoFar();
        var output = await server.StopAndReadOutputAsync();

        Assert.Empty(beforeShutdown.Spans);
        OtlpAssert.OutputMatches(sent, output);
    }
}
