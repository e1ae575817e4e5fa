using System.Text.Json.Nodes;
using System.Web;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every <c>apiserver</c> row's pre-filled TraceQL search finds exactly the server spans of the requests the row
/// counts, on every release's span shape (legacy <c>KubernetesAPI</c> and route-named server spans, handlers without
/// and with the group and subresource, 1.33's early-ended server span, 1.34's nested filters) and every row kind:
/// requests told by their handler, requests refused before any handler (priority and fairness: method and path),
/// requests the aggregator proxied (<c>via</c>), the extension server's own (<c>(extension)</c>) and the extension's
/// requests that started traces of their own.
/// </summary>
public sealed class ApiserverRowSearchTests
{
    [Theory]
    [InlineData("1.27")]
    [InlineData("1.29")]
    [InlineData("1.31")]
    [InlineData("1.33")]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public async Task Each_apiserver_rows_search_finds_exactly_the_requests_the_row_counts(string release)
    {
        // Each row's query walks every trace of the range (no condition narrows the candidates): on a machine shared
        // by several builds that takes longer than the default 30 s, which is not what this test is about.
        await using var server = await QueryServer.StartAsync("query_timeout: 10m");
        await SimulatedTraffic.SendAsync(server.OtlpTracesUrl, new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(release),
            Scenarios = SimulationScenario.ApfThrottling | SimulationScenario.SlowExtensionApiserver | SimulationScenario.SlowWebhook,
            Start = DateTimeOffset.UtcNow.AddMinutes(-5),
            Duration = TimeSpan.FromSeconds(10),
            RequestsPerSecond = 50,
            Seed = 11,
        });

        var answer = await GetAsync(server, "/api/v1/analyze/apiserver?since=1h");
        var table = answer["table"]!;
        var range = $"&start={answer["start"]}&end={answer["end"]}&limit=10000";
        var searched = 0;
        var kinds = new HashSet<string>();
        // Each group's sample from data (1.33's table adds an (authentication) row after the groups, which has none).
        var samples = answer["data"]!["groups"]!.AsArray().Select(g => g!["sample"]).Append(null);
        foreach (var ((row, search), sample) in table["rows"]!.AsArray().Zip(table["searches"]!.AsArray()).Zip(samples))
        {
            var (verb, resource) = (row![0]!.GetValue<string>(), row[1]!.GetValue<string>());
            if (search is null)
            {
                Assert.True(resource.StartsWith('('), $"{release}: {verb} {resource} has no search");
                continue;
            }
            var query = HttpUtility.ParseQueryString("");
            query["q"] = search["traceQl"]!.GetValue<string>();
            var found = await GetAsync(server, $"/api/v1/search?{query}{range}");
            var spans = found["traces"]!.AsArray().Sum(t => t!["matchedSpans"]!.GetValue<long>());
            Assert.True(sample!["sampled"]!.GetValue<long>() == spans,
                $"{release}: {verb} {resource}: {spans} server spans found, the row counts {sample["sampled"]}");
            searched++;
            kinds.Add(resource.Contains(" via ") ? "via" : resource.EndsWith(" (extension)") ? "extension" : resource.Contains('/') ? "subresource" : "resource");
        }
        Assert.True(searched >= 15, $"{release}: only {searched} rows searched");
        Assert.Contains("subresource", kinds);
        Assert.Contains("resource", kinds);
    }

    private static async Task<JsonNode> GetAsync(QueryServer server, string path)
    {
        using var response = await server.Query.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
