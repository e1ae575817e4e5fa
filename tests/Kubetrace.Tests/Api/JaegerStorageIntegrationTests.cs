using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger's storage-integration suite through the Jaeger HTTP API: the 32 fixture traces are sent over OTLP, each
/// of the 27 queries (queries.json and the Elasticsearch pair in queries_es.json) is asked as Jaeger UI would,
/// and the answer must hold exactly the expected traces, each with every span as sent.
/// </summary>
public abstract class JaegerStorageIntegrationSuite(JaegerFixtures fixtures)
{
    [RequiresSharedFolderFact]
    public async Task Every_storage_integration_query_returns_exactly_the_expected_traces()
    {
        var queries = Load("queries.json").Concat(Load("queries_es.json")).ToList();
        Assert.Equal(27, queries.Count);
        Assert.Equal(32, fixtures.Traces.Count);

        var failures = new List<string>();
        foreach (var query in queries)
        {
            var caption = query["Caption"]!.GetValue<string>();
            var expected = query["ExpectedFixtures"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            try
            {
                var answer = await GetAsync(JaegerUrl(query["Query"]!));
                var traces = answer["data"]!.AsArray();
                var expectedIds = expected.Select(f => TraceIdOf(fixtures.Traces[f])).Order().ToList();
                var actualIds = traces.Select(t => t!["traceID"]!.GetValue<string>().PadLeft(32, '0')).Order().ToList();
                if (!expectedIds.SequenceEqual(actualIds))
                {
                    failures.Add($"{caption}: expected [{string.Join(", ", expected)}], got trace IDs [{string.Join(", ", actualIds)}]");
                    continue;
                }
                foreach (var name in expected) CompareTrace(name, fixtures.Traces[name], traces, failures, caption);
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                failures.Add($"{caption}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {queries.Count} queries failed:\n" + string.Join("\n", failures));
    }

    [RequiresSharedFolderFact]
    public async Task Services_and_operations_list_what_the_fixtures_hold()
    {
        var services = (await GetAsync("/api/services"))["data"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
        Assert.Contains("query06-service", services);
        Assert.Contains("query22-service", services);

        var operations = await GetAsync("/api/services/query06-service/operations");
        Assert.Contains("query06-operation", operations["data"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(operations["data"]!.AsArray().Count, operations["total"]!.GetValue<int>());
    }

    /// <summary>Every sent span comes back with its ID, operation name, start and duration (µs) and service.</summary>
    private static void CompareTrace(string name, JsonNode fixture, JsonArray traces, List<string> failures, string caption)
    {
        var traceId = TraceIdOf(fixture);
        var trace = traces.First(t => t!["traceID"]!.GetValue<string>().PadLeft(32, '0') == traceId)!;
        var processes = trace["processes"]!.AsObject();
        var actual = trace["spans"]!.AsArray().ToDictionary(
            s => s!["spanID"]!.GetValue<string>(),
            s => (Name: s!["operationName"]!.GetValue<string>(), Start: s["startTime"]!.GetValue<long>(),
                Duration: s["duration"]!.GetValue<long>(),
                Service: processes[s["processID"]!.GetValue<string>()]!["serviceName"]!.GetValue<string>()));
        var sent = 0;
        foreach (var resource in fixture["resourceSpans"]!.AsArray())
        {
            var service = resource!["resource"]?["attributes"]?.AsArray()
                .FirstOrDefault(a => a!["key"]!.GetValue<string>() == "service.name")?["value"]?["stringValue"]?.GetValue<string>();
            foreach (var scope in resource["scopeSpans"]!.AsArray())
            foreach (var span in scope!["spans"]!.AsArray())
            {
                sent++;
                var spanId = span!["spanId"]!.GetValue<string>().ToLowerInvariant();
                var start = long.Parse(span["startTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                var end = long.Parse(span["endTimeUnixNano"]!.GetValue<string>(), CultureInfo.InvariantCulture);
                var want = (Name: span["name"]!.GetValue<string>(), Start: start / 1000, Duration: (end - start) / 1000, Service: service ?? "");
                if (!actual.TryGetValue(spanId, out var got) || got != want)
                    failures.Add($"{caption}: {name} span {spanId}: expected {want}, got {(actual.ContainsKey(spanId) ? got.ToString() : "nothing")}");
            }
        }
        if (actual.Count != sent) failures.Add($"{caption}: {name}: sent {sent} spans, got {actual.Count}");
    }

    /// <summary>The query as Jaeger UI sends it: tags as a JSON map of strings, times in µs, Go durations.</summary>
    private static string JaegerUrl(JsonNode query)
    {
        var parameters = new List<string> { "service=" + Uri.EscapeDataString(query["ServiceName"]!.GetValue<string>()) };
        if (query["OperationName"]?.GetValue<string>() is { Length: > 0 } operation)
            parameters.Add("operation=" + Uri.EscapeDataString(operation));
        if (query["Tags"] is JsonObject tags)
        {
            var map = tags.ToDictionary(t => t.Key, t => t.Value!.GetValueKind() == JsonValueKind.String
                ? t.Value.GetValue<string>() : t.Value.ToJsonString());
            parameters.Add("tags=" + Uri.EscapeDataString(JsonSerializer.Serialize(map)));
        }
        parameters.Add("start=" + Micros(query["StartTimeMin"]!));
        parameters.Add("end=" + Micros(query["StartTimeMax"]!));
        if (query["DurationMin"]!.GetValue<long>() is > 0 and var min) parameters.Add($"minDuration={min}ns");
        if (query["DurationMax"]!.GetValue<long>() is > 0 and var max) parameters.Add($"maxDuration={max}ns");
        parameters.Add("limit=" + query["NumTraces"]!.GetValue<int>());
        return "/api/traces?" + string.Join("&", parameters);
    }

    private static long Micros(JsonNode time) =>
        (DateTimeOffset.Parse(time.GetValue<string>(), CultureInfo.InvariantCulture).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    private static string TraceIdOf(JsonNode fixture) =>
        fixture["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!["traceId"]!.GetValue<string>().ToLowerInvariant();

    private async Task<JsonNode> GetAsync(string url)
    {
        using var response = await fixtures.Server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static IEnumerable<JsonNode> Load(string file) =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(JaegerFixtures.Folder!, file)))!.AsArray().Select(n => n!);
}

/// <summary>The suite on the embedded store.</summary>
public sealed class JaegerStorageIntegrationTests(JaegerFixtures fixtures) : JaegerStorageIntegrationSuite(fixtures), IClassFixture<JaegerFixtures>;

/// <summary>The suite on ClickHouse.</summary>
public sealed class JaegerStorageIntegrationOnClickHouseTests(ClickHouseJaegerFixtures fixtures) : JaegerStorageIntegrationSuite(fixtures), IClassFixture<ClickHouseJaegerFixtures>;
