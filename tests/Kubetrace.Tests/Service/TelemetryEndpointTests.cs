using System.Net;
using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Extensions.HealthCheck;
using Kubetrace.Service;
using Kubetrace.Telemetry;
using Kubetrace.Tests.Config;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Service;

/// <summary>The operational endpoints: Prometheus metrics and health_check.</summary>
public class TelemetryEndpointTests
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task Serves_process_metrics_in_Prometheus_text_format()
    {
        var world = new TestWorld();
        var yaml = new TestServiceConfig().Receiver("otlp").Exporter("debug").Yaml;
        await using var service = await ServiceTestHost.StartAsync(yaml, world.Catalog);

        using var response = await Http.GetAsync(service.MetricsUrls[0] + "/metrics");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Contains("# TYPE otelcol_process_uptime gauge\n", body);
        Assert.Matches(@"\notelcol_process_memory_rss [1-9][0-9]*\n", body);
        Assert.Matches(@"\notelcol_process_runtime_total_alloc_bytes [1-9][0-9]*\n", body);
    }

    [Fact]
    public async Task Health_check_answers_503_until_ready_200_while_running_and_503_once_stopping()
    {
        var status = new ServiceStatus();
        var settings = new ComponentSettings(new ComponentId("health_check", ""), NullLoggerFactory.Instance, new MetricsRegistry(), status);
        var extension = (HealthCheckExtension)new HealthCheckFactory().Create(settings, new HealthCheckConfig { Endpoint = "127.0.0.1:0", Path = "/health" });
        await extension.StartAsync(CancellationToken.None);
        var url = extension.Urls[0] + "/health";
        try
        {
            var (code, body) = await GetAsync(url);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
            Assert.Equal("{\"status\":\"Server not available\",\"upSince\":\"0001-01-01T00:00:00Z\",\"uptime\":\"\"}", body);

            status.MarkReady();
            (code, body) = await GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, code);
            Assert.StartsWith("{\"status\":\"Server available\",\"upSince\":\"", body);

            status.MarkStopping();
            (code, _) = await GetAsync(url);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, code);
        }
        finally
        {
            await extension.ShutdownAsync(CancellationToken.None);
        }
    }

    private static async Task<(HttpStatusCode Code, string Body)> GetAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
