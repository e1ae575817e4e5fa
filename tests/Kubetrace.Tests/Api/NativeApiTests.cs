using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>The native /api/v1 API over the Jaeger fixtures (docs/api.md).</summary>
public abstract class NativeApiSuite(JaegerFixtures fixtures)
{
    private HttpClient Http => fixtures.Server.Query;

    /// <summary>The fixtures were recorded on 2017-01-26.</summary>
    private const string FixtureDay = "start=2017-01-26T00:00:00Z&end=2017-01-27T00:00:00Z";

    [RequiresSharedFolderFact]
    public async Task Search_returns_summaries_of_the_matching_traces()
    {
        var answer = await GetAsync($"/api/v1/search?service=query22-service&{FixtureDay}&spans=2");
        var traces = answer["traces"]!.AsArray();
        Assert.Equal(3, traces.Count);
        foreach (var trace in traces)
        {
            Assert.Equal(32, trace!["traceId"]!.GetValue<string>().Length);
            Assert.Equal("query22-service", trace["rootService"]!.GetValue<string>());
            Assert.True(trace["spanCount"]!.GetValue<int>() >= 1);
            Assert.Contains("query22-service", trace["services"]!.AsArray().Select(s => s!.GetValue<string>()));
            Assert.InRange(trace["spans"]!.AsArray().Count, 1, 2);
        }
        var starts = traces.Select(t => long.Parse(t!["startTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(starts.OrderDescending(), starts); // most recent first
    }

    [RequiresSharedFolderFact]
    public async Task Search_by_attribute_and_span_name_narrows_the_result()
    {
        var found = (await GetAsync($"/api/v1/search?name=query12-operation&attr=span.sameplacetag1=sameplacevalue&{FixtureDay}"))["traces"]!.AsArray();
        Assert.NotEmpty(found);
        Assert.All(found, t => Assert.StartsWith("query12", t!["rootService"]!.GetValue<string>()));
        Assert.Empty((await GetAsync($"/api/v1/search?name=query12-operation&attr=resource.sameplacetag1=sameplacevalue&{FixtureDay}"))["traces"]!.AsArray());
    }

    [RequiresSharedFolderFact]
    public async Task Trace_by_id_is_otlp_json_and_services_operations_and_stats_answer()
    {
        var traceId = fixtures.Traces["opname_trace"]["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!["traceId"]!.GetValue<string>();
        var trace = await GetAsync($"/api/v1/traces/{traceId}");
        Assert.Equal(traceId.ToLowerInvariant(), trace["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!["traceId"]!.GetValue<string>());

        Assert.Contains("query06-service", (await GetAsync("/api/v1/services"))["services"]!.AsArray().Select(s => s!.GetValue<string>()));
        var operations = (await GetAsync("/api/v1/services/query06-service/operations"))["operations"]!.AsArray();
        Assert.Contains(operations, o => o!["name"]!.GetValue<string>() == "query06-operation");
        var stats = await GetAsync("/api/v1/stats");
        Assert.True(stats["spans"]!.GetValue<long>() > 0);
        if (fixtures is ClickHouseJaegerFixtures)
        {
            // This instance inserted every stored span; one server holds them.
            var backend = stats["backend"]!;
            Assert.Equal(("clickhouse", stats["spans"]!.GetValue<long>()), (backend["name"]!.GetValue<string>(), backend["insertedSpans"]!.GetValue<long>()));
            Assert.True(backend["meanInsertSeconds"]!.GetValue<double>() > 0);
            Assert.Equal(stats["spans"]!.GetValue<long>(), Assert.Single(backend["servers"]!.AsArray())!["spanRows"]!.GetValue<long>());
        }
        else Assert.Null(stats["backend"]);
        Assert.Contains("sameplacetag1", (await GetAsync("/api/v1/attributes?scope=span"))["names"]!.AsArray().Select(s => s!.GetValue<string>()));
    }

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await Http.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }
}

/// <summary>The suite on the embedded store.</summary>
public sealed class NativeApiTests(JaegerFixtures fixtures) : NativeApiSuite(fixtures), IClassFixture<JaegerFixtures>;

/// <summary>The suite on ClickHouse.</summary>
public sealed class NativeApiOnClickHouseTests(ClickHouseJaegerFixtures fixtures) : NativeApiSuite(fixtures), IClassFixture<ClickHouseJaegerFixtures>;
