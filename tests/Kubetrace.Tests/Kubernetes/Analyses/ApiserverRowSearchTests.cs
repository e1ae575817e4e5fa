using System.Text.Json.Nodes;
using System.Web;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Api;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Every <c>apiserver</c> row's pre-filled TraceQL search finds exactly the server spans of the requests the row
/// counts, reading only the traces storage finds can hold them, on every release's span shape (legacy <c>KubernetesAPI</c> and route-named server spans, handlers without
/// and with the group and subresource, 1.33's early-ended server span, 1.34's nested filters) and every row kind:
/// requests told by their handler, requests refused before any handler (priority and fairness: method and path),
/// requests the aggregator proxied (<c>via</c>), the extension server's own (<c>(extension)</c>), the extension's
/// requests that started traces of their own, and 1.33's authentication spans that are traces of their own.
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
        // Each row's query reads every trace holding the row's resource or path (limit 10000: all of them): on a
        // machine shared by several builds that can take longer than the default 30 s, which is not what this test is about.
        await using var server = await QueryServer.StartAsync("query_timeout: 10m");
        var sent = await SimulatedTraffic.SendAsync(server.OtlpTracesUrl, new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(release),
            Scenarios = SimulationScenario.ApfThrottling | SimulationScenario.SlowExtensionApiserver | SimulationScenario.SlowWebhook,
            Start = DateTimeOffset.UtcNow.AddMinutes(-5),
            Duration = TimeSpan.FromSeconds(10),
            RequestsPerSecond = 50,
            Seed = 11,
        });

        var answer = await GetAsync(server.Query, "/api/v1/analyze/apiserver?since=1h");
        var table = answer["table"]!;
        // Tempo's search (it says how many traces it read), over whole seconds around the analysis's range.
        var range = $"&start={answer["start"]!.GetValue<long>() / 1_000_000_000}&end={answer["end"]!.GetValue<long>() / 1_000_000_000 + 1}&limit=10000";
        var searched = 0;
        var kinds = new HashSet<string>();
        foreach (var ((row, search), sample) in table["rows"]!.AsArray().Zip(table["searches"]!.AsArray()).Zip(table["samples"]!.AsArray()))
        {
            var (verb, resource) = (row![0]!.GetValue<string>(), row[1]!.GetValue<string>());
            if (search is null)
            {
                Assert.True(resource.StartsWith('('), $"{release}: {verb} {resource} has no search");
                continue;
            }
            var query = HttpUtility.ParseQueryString("");
            query["q"] = search["traceQl"]!.GetValue<string>();
            var found = await GetAsync(server.Tempo, $"/api/search?{query}{range}");
            var spans = found["traces"]!.AsArray().Sum(t => t!["spanSets"]!.AsArray().Sum(set => set!["matched"]!.GetValue<long>()));
            Assert.True(sample!["sampled"]!.GetValue<long>() == spans,
                $"{release}: {verb} {resource}: {spans} server spans found, the row counts {sample["sampled"]}");
            // The store narrowed the search to traces that can hold the row's requests: it did not read every trace.
            var read = found["metrics"]!["inspectedTraces"]!.GetValue<long>();
            Assert.True(read < sent.Traces, $"{release}: {verb} {resource}: the search read {read} of the {sent.Traces} traces");
            searched++;
            kinds.Add(verb == "(authentication)" ? "authentication" : resource.Contains(" via ") ? "via" : resource.EndsWith(" (extension)") ? "extension" : resource.Contains('/') ? "subresource" : "resource");
        }
        Assert.True(searched >= 15, $"{release}: only {searched} rows searched");
        Assert.Contains("subresource", kinds);
        Assert.Contains("resource", kinds);
        if (release == "1.33") Assert.Contains("authentication", kinds); // authentication is a trace of its own, with its latency
    }

    private static async Task<JsonNode> GetAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}
