using System.Net;
using Kubetrace.Tests.EndToEnd.Harness;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.EndToEnd;

/// <summary>What an operator sees of a running kubetrace: health, the service's metrics, the start-up log.</summary>
[Collection(EndToEndCollection.Name)]
public sealed class OperatingTests
{
    [Fact]
    public async Task Health_metrics_and_startup_log_describe_the_running_pipeline()
    {
        await using var server = await OtlpToFileServer.StartAsync();
        using var http = new HttpClient();

        using (var health = await http.GetAsync(server.HealthUrl))
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        var sent = DotnetSdkClient.SendNestedTrace(OtlpExportProtocol.Grpc, server.GrpcEndpoint);
        var accepted = $"otelcol_receiver_accepted_spans_total{{receiver=\"otlp\",transport=\"grpc\"}} {sent.Spans.Count}\n";
        var exported = $"otelcol_exporter_sent_spans_total{{exporter=\"file\"}} {sent.Spans.Count}\n";
        var metrics = "";
        // The file exporter sends from its queue: poll until the count arrives (or the deadline says it never will).
        await Wait.HoldsWithinAsync(async () =>
        {
            metrics = await http.GetStringAsync(server.MetricsUrl);
            return metrics.Contains(accepted) && metrics.Contains(exported);
        }, Wait.DefaultTimeout);
        var log = server.Process.Stdout + server.Process.Stderr;
        await server.Process.StopCleanlyAsync();

        Assert.Contains(accepted, metrics);
        Assert.Contains(exported, metrics);
        Assert.Contains($"127.0.0.1:{server.GrpcEndpoint.Port}", log);
        Assert.Contains($"127.0.0.1:{server.HttpEndpoint.Port}", log);
        Assert.Contains("traces", log);
    }
}
