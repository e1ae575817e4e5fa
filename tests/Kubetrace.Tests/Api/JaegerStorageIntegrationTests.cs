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

    /// <summary>The same queries through api_v3 (Jaeger UI 2.x): OTLP JSON back, every span of every expected trace.</summary>
    [RequiresSharedFolderFact]
    public async Task Every_storage_integration_query_returns_exactly_the_expected_traces_through_api_v3()
    {
        var queries = Load("queries.json").Concat(Load("queries_es.json")).ToList();
        var failures = new List<string>();
        foreach (var query in queries)
        {
            var caption = query["Caption"]!.GetValue<string>();
            var expected = query["ExpectedFixtures"]!.AsArray().Select(n => n!.GetValue<string>()).ToList();
            var url = V3Url(query["Query"]!);
            using var response = await fixtures.Server.Query.GetAsync(url);
            var body = await response.Content.ReadAsStringAsync();
            if (expected.Count == 0)
            {
                if ((int)response.StatusCode != 404) failures.Add($"{caption}: expected 404 No traces found, got {(int)response.StatusCode} {body}");
                continue;
            }
            if (!response.IsSuccessStatusCode)
            {
                failures.Add($"{caption}: {(int)response.StatusCode} {body}");
                continue;
            }
            var actual = SpanIdsByTrace(JsonNode.Parse(body)!["result"]!);
            var wanted = new Dictionary<string, SortedSet<string>>();
            foreach (var name in expected)
                foreach (var (trace, spans) in SpanIdsByTrace(fixtures.Traces[name])) wanted[trace] = spans;
            if (!wanted.Keys.Order().SequenceEqual(actual.Keys.Order()))
                failures.Add($"{caption}: expected traces [{string.Join(", ", wanted.Keys.Order())}], got [{string.Join(", ", actual.Keys.Order())}]");
            else
                failures.AddRange(wanted.Where(w => !w.Value.SetEquals(actual[w.Key]))
                    .Select(w => $"{caption}: trace {w.Key}: expected spans [{string.Join(", ", w.Value)}], got [{string.Join(", ", actual[w.Key])}]"));
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

    /// <summary>The query as Jaeger UI 2.x sends it to api_v3: canonical names, RFC 3339 times, Go durations.</summary>
    private static string V3Url(JsonNode query)
    {
        var parameters = new List<string> { "query.serviceName=" + Uri.EscapeDataString(query["ServiceName"]!.GetValue<string>()) };
        if (query["OperationName"]?.GetValue<string>() is { Length: > 0 } operation)
            parameters.Add("query.operationName=" + Uri.EscapeDataString(operation));
        if (query["Tags"] is JsonObject tags)
        {
            var map = tags.ToDictionary(t => t.Key, t => t.Value!.GetValueKind() == JsonValueKind.String
                ? t.Value.GetValue<string>() : t.Value.ToJsonString());
            parameters.Add("query.attributes=" + Uri.EscapeDataString(JsonSerializer.Serialize(map)));
        }
        parameters.Add("query.startTimeMin=" + Uri.EscapeDataString(query["StartTimeMin"]!.GetValue<string>()));
        parameters.Add("query.startTimeMax=" + Uri.EscapeDataString(query["StartTimeMax"]!.GetValue<string>()));
        if (query["DurationMin"]!.GetValue<long>() is > 0 and var min) parameters.Add($"query.durationMin={min}ns");
        if (query["DurationMax"]!.GetValue<long>() is > 0 and var max) parameters.Add($"query.durationMax={max}ns");
        parameters.Add("query.searchDepth=" + query["NumTraces"]!.GetValue<int>());
        return "/api/v3/traces?" + string.Join("&", parameters);
    }

    /// <summary>OTLP JSON (hex IDs, any case) as trace ID → its span IDs.</summary>
    private static Dictionary<string, SortedSet<string>> SpanIdsByTrace(JsonNode otlp)
    {
        var traces = new Dictionary<string, SortedSet<string>>();
        foreach (var resource in otlp["resourceSpans"]!.AsArray())
        foreach (var scope in resource!["scopeSpans"]!.AsArray())
        foreach (var span in scope!["spans"]!.AsArray())
        {
            var trace = span!["traceId"]!.GetValue<string>().ToLowerInvariant();
            if (!traces.TryGetValue(trace, out var spans)) traces.Add(trace, spans = new SortedSet<string>(StringComparer.Ordinal));
            spans.Add(span["spanId"]!.GetValue<string>().ToLowerInvariant());
        }
        return traces;
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

/// <summary>The suite on a two-shard ClickHouse cluster.</summary>
public sealed class JaegerStorageIntegrationOnClickHouseShardsTests(ClickHouseShardsJaegerFixtures fixtures) : JaegerStorageIntegrationSuite(fixtures), IClassFixture<ClickHouseShardsJaegerFixtures>;
