using System.Text.Json.Nodes;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Cli;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary><c>kubetrace simulate</c> into a real running server over OTLP/HTTP: what it reports planting is what the native API finds.</summary>
public sealed class SimulateCommandTests
{
    private const string Window = "start=2026-03-02T10:00:00Z&end=2026-03-02T10:01:00Z";

    [Fact]
    public async Task Simulated_spans_arrive_and_the_planted_webhook_is_found_through_the_native_api()
    {
        await using var server = await QueryServer.StartAsync();
        using var folder = new TempDirectory();
        var reportFile = Path.Combine(folder.Path, "report.json");

        var result = await CliRun.RunAsync("simulate", "--protocol", "http", "--endpoint", server.OtlpTracesUrl.ToString(),
            "--start", "2026-03-02T10:00:00Z", "--duration", "5s", "--rate", "40", "--scenario", "slow-webhook",
            "--seed", "7", "--report-json", reportFile);

        Assert.True(result.Code == 0, result.Output + result.Error);
        var report = SimulationReport.FromJson(await File.ReadAllTextAsync(reportFile));
        Assert.Contains($"Planted slow-webhook: {report.SlowWebhook!.Type} {report.SlowWebhook.Configuration}/{report.SlowWebhook.Webhook} adds 300ms",
            result.Output);
        Assert.Contains($"{report.Spans:#,0} spans accepted, 0 rejected, 0 exports failed", result.Output);

        var stats = await GetAsync(server, "/api/v1/stats");
        Assert.Equal(report.Spans, stats["spans"]!.GetValue<long>());
        var webhookTraces = await GetAsync(server, $"/api/v1/search?service=apiserver&attr=span.webhook={report.SlowWebhook.Webhook}&limit=1000&{Window}");
        Assert.True(report.SlowWebhook.Calls > 0);
        Assert.Equal(report.SlowWebhook.Calls, webhookTraces["traces"]!.AsArray().Count);
        var podStarts = await GetAsync(server, $"/api/v1/search?service=kubelet&name=syncPod&limit=1000&{Window}");
        Assert.Equal(report.PodStarts, podStarts["traces"]!.AsArray().Count);
        Assert.True(report.PodStarts > 0);
    }

    [Fact]
    public async Task Bad_options_are_usage_errors()
    {
        var version = await CliRun.RunAsync("simulate", "--kubernetes-version", "1.20");
        var scenario = await CliRun.RunAsync("simulate", "--scenario", "slow-dns");
        var etcd = await CliRun.RunAsync("simulate", "--etcd-version", "3.4");

        Assert.Equal(2, version.Code);
        Assert.Contains("Kubernetes 1.20 is not simulated: use 1.27 or later", version.Error);
        Assert.Equal(2, scenario.Code);
        Assert.Contains("'slow-dns' is not a scenario", scenario.Error);
        Assert.Equal(2, etcd.Code);
        Assert.Contains("--etcd-version: '3.4' is not an etcd 3.5, 3.6 or 3.7 release", etcd.Error);
    }

    private static async Task<JsonNode> GetAsync(QueryServer server, string path)
    {
        using var response = await server.Query.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
