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
        Assert.Contains("calls timed out at 3s", result.Output); // as every duration reads: not 3,000ms
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
    public async Task A_real_time_run_into_a_pipe_prints_progress_lines_on_standard_error()
    {
        await using var server = await QueryServer.StartAsync();

        var result = await CliRun.RunAsync("simulate", "--protocol", "http", "--endpoint", server.OtlpTracesUrl.ToString(),
            "--duration", "3s", "--rate", "20", "--progress-interval", "500ms", "--json");

        Assert.True(result.Code == 0, result.Output + result.Error);
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length >= 3, $"progress lines: [{result.Error}]");
        Assert.All(lines, line => Assert.Matches(@"^simulate: \d+% after \d+s, [\d,]+ spans sent, simulated up to \d\d:\d\d:\d\dZ\r?$", line));
        // The report on standard output stays machine-readable.
        Assert.NotEqual(0UL, SimulationReport.FromJson(result.Output).RunId);
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

    [Fact]
    public async Task Kms_slow_says_it_turns_secrets_watch_cache_off_and_why_a_warm_cache_would_hide_the_plugin()
    {
        await using var server = await QueryServer.StartAsync();

        var result = await CliRun.RunAsync("simulate", "--protocol", "http", "--endpoint", server.OtlpTracesUrl.ToString(),
            "--start", "2026-03-02T10:00:00Z", "--duration", "10s", "--rate", "40", "--scenario", "kms-slow", "--seed", "3");

        Assert.True(result.Code == 0, result.Output + result.Error);
        Assert.Contains("secrets encrypted with KMS v2, --watch-cache-sizes=secrets#0)", result.Output);
        Assert.Contains("Planted kms-slow: kms-v2 (kms-plugin) takes 200ms to decrypt a DEK, which the apiserver asks only on a DEK cache miss; " +
                        "with --watch-cache-sizes=secrets#0 secrets are read from etcd inside each request, so the first read of each DEK " +
                        "since the apiserver started waits", result.Output);
        Assert.Contains("With the watch cache on (the default) its untraced start-up list caches every DEK first and no traced request " +
                        "waits until an entry expires after 24 h", result.Output);
    }

    [Theory]
    [InlineData("secrets", "invalid value of watch cache size: secrets")]
    [InlineData("secrets#none", "invalid size of watch cache size: secrets#none")]
    [InlineData("pods#100,secrets#-1", "watch cache size cannot be negative: secrets#-1")]
    public async Task A_watch_cache_size_kube_apiserver_would_refuse_is_a_usage_error_with_its_message(string sizes, string message)
    {
        var result = await CliRun.RunAsync("simulate", "--watch-cache-sizes", sizes);

        Assert.Equal(2, result.Code);
        Assert.Contains("--watch-cache-sizes: " + message, result.Error);
    }

    private static async Task<JsonNode> GetAsync(QueryServer server, string path)
    {
        using var response = await server.Query.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
