using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>A running server holding the hand-built 1.27, 1.34 and 1.36 requests of <see cref="ApiserverFixtures"/>, sent a few minutes ago over OTLP/JSON.</summary>
public sealed class RecentApiserverRequests : IAsyncLifetime
{
    public QueryServer Server { get; private set; } = null!;

    public string Url => Server.QueryUrl;

    /// <summary>When the requests were sent as made (a few minutes before the fixture started).</summary>
    public DateTimeOffset Origin { get; } = TestDataAge.Now.AddMinutes(-5);

    /// <summary>A <c>since</c> reaching back to <see cref="Origin"/>, however long the class has run.</summary>
    public string Since => TestDataAge.Since(Origin);

    public async Task InitializeAsync()
    {
        Server = await QueryServer.StartAsync();
        await Server.PostOtlpJsonAsync(TraceBuilder.OtlpJson(
        [
            ApiserverFixtures.PodCreate127(Origin), ApiserverFixtures.PodGet136(Origin.AddSeconds(1)),
            ApiserverFixtures.DeploymentUpdateWithParallelWebhooks(Origin.AddSeconds(2)),
        ]), "apiserver requests");
    }

    public async Task DisposeAsync() => await Server.DisposeAsync();
}

/// <summary><c>kubetrace analyze apiserver|webhooks|etcd</c> against a running server: tables people read, JSON scripts read.</summary>
public sealed class AnalyzeCommandTests(RecentApiserverRequests server) : IClassFixture<RecentApiserverRequests>
{
    [Fact]
    public async Task Analyze_apiserver_prints_one_row_per_verb_and_resource_worst_p99_first_with_the_shares()
    {
        var result = await CliRun.RunAsync("analyze", "apiserver", "--server", server.Url, "--since", server.Since, "--width", "160");

        Assert.Equal(0, result.Code);
        var rows = result.Lines.Where(l => Regex.IsMatch(l, "^ *(create|get|update) ")).Select(l => l.Trim()).ToList();
        Assert.Equal(3, rows.Count);
        // One request per row: percentiles marked as unbounded, and the row's one trace in the last column.
        // KMS n/a: no request here carries an envelope span, so the range cannot tell KMS time (never 0%).
        Assert.Matches(@"^create +pods +1 +100ms\? +100ms\? +≥100ms +2\.0% +n/a +n/a +20% +40% +n/a +8\.0% +30% +1$", rows[0]);
        Assert.Matches(@"^get +pods +1 +50ms\? +50ms\? +≥50ms +n/a +8\.2% +20% +0\.0% +40% +n/a +6\.0% +26% +1$", rows[1]);
        Assert.StartsWith("update", rows[2]);
        Assert.Contains(result.Lines, l => l.Contains("carry no authorization or priority-and-fairness spans", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Analyze_webhooks_as_json_gives_every_webhook_with_its_latency_and_what_it_intercepts()
    {
        var result = await CliRun.RunAsync("analyze", "webhooks", "--server", server.Url, "--since", server.Since, "--json");

        Assert.Equal(0, result.Code);
        var webhooks = JsonNode.Parse(result.Output)!["webhooks"]!.AsArray();
        // The apiserver p99 is the 100 ms pod create, where only the sidecar injector runs; the others tie at 0 and go by p99.
        Assert.Equal(["istio-sidecar-injector/namespace.sidecar-injector.istio.io", "guards/policy.example.com", "guards/quota.example.com"],
            webhooks.Select(w => $"{w!["configuration"]}/{w["name"]}"));
        var istio = webhooks[0]!;
        Assert.Equal(0.2, istio["shareOfApiserverP99"]!.GetValue<double>());
        Assert.Equal((20.0, "mutating", "pods", "CREATE"), (istio["p50Ms"]!.GetValue<double>(), istio["type"]!.GetValue<string>(),
            istio["intercepts"]![0]!["resource"]!.GetValue<string>(), istio["intercepts"]![0]!["operation"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Analyze_etcd_through_the_api_counts_each_call_once_by_resource()
    {
        using var response = await server.Server.Query.GetAsync($"/api/v1/analyze/etcd?since={server.Since}");
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal("etcd", answer["analysis"]!.GetValue<string>());
        Assert.Equal(["KV/Txn pods 30", "KV/Range pods 16"],
            answer["data"]!["operations"]!.AsArray().Select(o => $"{o!["method"]} {o["resource"]} {o["p99Ms"]}"));
        Assert.Equal("pods", answer["table"]!["rows"]![0]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task The_catalog_lists_the_three_analyses_and_an_unknown_parameter_is_refused()
    {
        var catalog = JsonNode.Parse(await server.Server.Query.GetStringAsync("/api/v1/analyze"))!["analyses"]!.AsArray().Select(a => a!["name"]!.GetValue<string>());
        using var refused = await server.Server.Query.GetAsync("/api/v1/analyze/webhooks?resource=pods");

        Assert.Superset(new HashSet<string> { "apiserver", "webhooks", "etcd" }, catalog.ToHashSet());
        Assert.Equal(400, (int)refused.StatusCode);
    }
}
