using System.Text.Json.Nodes;
using Kubetrace.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Issue 4's acceptance test: for every scenario, simulated through real OTLP into a running server, the matching
/// analysis names the planted cause first, with its added latency within 10% of what was planted.
/// </summary>
public sealed class SimulatedScenarioTests(SimulatedScenarios cluster) : IClassFixture<SimulatedScenarios>
{
    [Fact]
    public async Task Slow_webhook_comes_first_in_webhooks_with_the_planted_latency_and_its_timeouts()
    {
        var planted = cluster.Report(SimulationScenario.SlowWebhook).SlowWebhook!;

        var answer = await cluster.AnalyseAsync("webhooks", SimulationScenario.SlowWebhook);

        var first = answer["data"]!["webhooks"]![0]!;
        Assert.Equal((planted.Configuration, planted.Webhook, planted.Type), (Text(first, "configuration"), Text(first, "name"), Text(first, "type")));
        AssertWithin10Percent(planted.AddedLatency.TotalMilliseconds, Number(first, "p50Ms"));
        Assert.Equal((planted.Calls, planted.TimedOutCalls), ((long)Number(first, "calls"), (long)Number(first, "timeouts")));
        Assert.True(planted.TimedOutCalls > 0, "the scenario plants some timeouts");
        Assert.True(Number(first, "shareOfApiserverP99") > 0.5, first.ToJsonString());
        Assert.Equal(planted.Webhook, Text(answer["table"]!["rows"]![0]!, 1));
    }

    [Fact]
    public async Task Failing_webhook_comes_first_in_webhooks_with_the_planted_failure_rate()
    {
        var planted = cluster.Report(SimulationScenario.FailingWebhook).FailingWebhook!;

        var first = (await cluster.AnalyseAsync("webhooks", SimulationScenario.FailingWebhook))["data"]!["webhooks"]![0]!;

        Assert.Equal((planted.Configuration, planted.Webhook), (Text(first, "configuration"), Text(first, "name")));
        Assert.Equal((planted.Calls, planted.FailedCalls, 0L), ((long)Number(first, "calls"), (long)Number(first, "errors"), (long)Number(first, "timeouts")));
        AssertWithin10Percent(planted.FailureRate, Number(first, "errorRate"));
    }

    [Fact]
    public async Task Etcd_slow_puts_the_planted_resource_first_in_etcd_with_the_planted_latency()
    {
        var planted = cluster.Report(SimulationScenario.EtcdSlow).SlowEtcd!;

        var operations = (await cluster.AnalyseAsync("etcd", SimulationScenario.EtcdSlow))["data"]!["operations"]!.AsArray();

        var first = operations[0]!;
        Assert.Equal((planted.GroupResource, "apiserver"), (Text(first, "resource"), Text(first, "measuredOn")));
        AssertWithin10Percent(planted.AddedLatency.TotalMilliseconds, Number(first, "p50Ms"));
        var slowCalls = operations.Where(o => Text(o!, "resource") == planted.GroupResource).Sum(o => (long)Number(o!, "calls"));
        Assert.Equal(planted.Operations, slowCalls); // every planted operation counted once, none twice
    }

    [Fact]
    public async Task Apf_throttling_shows_the_throttled_flow_first_in_apiserver_with_its_queue_wait_in_priority_and_fairness()
    {
        var planted = cluster.Report(SimulationScenario.ApfThrottling).ThrottledFlow!;

        var answer = await cluster.AnalyseAsync("apiserver", SimulationScenario.ApfThrottling);

        var first = answer["data"]!["groups"]![0]!;
        Assert.Equal(("list", "pods"), (Text(first, "verb"), Text(first, "resource"))); // the load tester's requests
        Assert.Equal(planted.Requests, (long)Number(first, "count"));
        var shares = first["shares"]!.AsObject();
        var fairness = Number(shares, "priorityAndFairness");
        Assert.All(shares.Where(s => s.Value is JsonValue), s => Assert.True(s.Value!.GetValue<double>() <= fairness, s.Key));
        AssertWithin10Percent(planted.QueueWait.TotalMilliseconds, fairness * Number(first, "meanMs")); // mean time in APF per request
    }

    [Fact]
    public async Task Kms_slow_puts_a_secrets_request_first_in_apiserver_with_the_planted_DEK_decryptions_in_its_KMS_share()
    {
        var planted = cluster.Report(SimulationScenario.KmsSlow).SlowKms!;

        var answer = await cluster.AnalyseAsync("apiserver", SimulationScenario.KmsSlow);

        var groups = answer["data"]!["groups"]!.AsArray();
        var first = groups[0]!;
        Assert.Equal(planted.Resource, Text(first, "resource"));
        // The plugin is called on a DEK cache miss only (envelope.go#L181-#L206 at v0.34.0). kms-slow turns secrets'
        // watch cache off (its untraced start-up list would have cached every DEK), so the first read of each DEK
        // since the apiserver started misses inside a request: the secrets rows' time in KMS is those decryptions'.
        var kmsMs = groups.Where(g => Text(g!, "resource") == planted.Resource)
            .Sum(g => Number(g!["shares"]!, "encryption") * Number(g!, "meanMs") * Number(g!, "count"));
        Assert.Equal("secrets#0", planted.WatchCacheSize);
        Assert.InRange(planted.DekDecryptions, 1, DekCache.EarlierDeks);
        AssertWithin10Percent(planted.AddedLatency.TotalMilliseconds * planted.DekDecryptions, kmsMs);
        Assert.InRange(planted.Requests, 1, planted.DekDecryptions);
        // Requests that read no encrypted object spend a real 0% in KMS: the envelope spans exist in this range.
        Assert.All(groups.Where(g => Text(g!, "resource") is "pods" or "configmaps"), g => Assert.Equal(0, Number(g!["shares"]!, "encryption")));
    }

    [Fact]
    public async Task Simulated_watches_are_left_out_of_apiserver_and_etcd_latency_and_cached_reads_spend_nothing_in_etcd()
    {
        var report = cluster.Report(SimulationScenario.KmsSlow);

        var apiserver = (await cluster.AnalyseAsync("apiserver", SimulationScenario.KmsSlow))["data"]!;
        var etcd = (await cluster.AnalyseAsync("etcd", SimulationScenario.KmsSlow))["data"]!["operations"]!.AsArray();

        Assert.True(report.Watches > 0);
        Assert.Equal(report.Watches, (long)Number(apiserver, "longRunningLeftOut"));
        Assert.DoesNotContain(apiserver["groups"]!.AsArray(), g => Text(g!, "verb") == "watch");
        Assert.DoesNotContain(etcd, o => Text(o!, "method")!.StartsWith("Watch", StringComparison.Ordinal));
        // Replica sets are only listed by the controller-manager's relists (resourceVersion=0): the cache answers them.
        var relists = apiserver["groups"]!.AsArray().Single(g => (Text(g!, "verb"), Text(g!, "resource")) == ("list", "replicasets"))!;
        Assert.Equal(0, Number(relists["shares"]!, "etcd"));
    }

    private static void AssertWithin10Percent(double planted, double found) =>
        Assert.True(Math.Abs(found - planted) <= planted * 0.1, $"found {found}, planted {planted}");

    private static string? Text(JsonNode node, string name) => node[name]?.GetValue<string>();

    private static string? Text(JsonNode row, int column) => row[column]?.GetValue<string>();

    private static double Number(JsonNode node, string name) => node[name]!.GetValue<double>();
}
