using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Kubetrace.Api.Jaeger;
using Kubetrace.Storage;
using Kubetrace.Tests.EndToEnd.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger's query parser and handler cases (query_param_cases.json) over real HTTP: errors are 400 with Jaeger's
/// envelope and message; accepted queries parse to the expected service, operation, limit, tags and durations.
/// </summary>
public sealed class JaegerQueryParamTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    [RequiresSharedFolderFact]
    public async Task Every_jaeger_query_param_case_behaves_as_in_jaeger()
    {
        var cases = ConformanceCases.Load("jaeger/query_param_cases.json")["cases"]!.AsArray();
        Assert.Equal(24, cases.Count);
        var failures = new List<string>();
        foreach (var @case in cases.Select(c => c!))
        {
            var url = @case["url"]!.GetValue<string>();
            using var response = await empty.Server.Query.GetAsync(url);
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            var errorRegex = @case["error_regex"]?.GetValue<string>()
                             ?? (@case["error_body"]?["errors"]?[0]?["msg"]?.GetValue<string>() is { } msg ? Regex.Escape(msg) : null);
            if (errorRegex is not null && @case["note"]?.GetValue<string>() == "storage-dependent")
            {
                // Jaeger's memory backend refuses a search without a service; this store searches all services.
                if ((int)response.StatusCode != 200) failures.Add($"{url}: a search of all services should work, got {(int)response.StatusCode}");
                continue;
            }
            if (errorRegex is not null)
            {
                var message = body["errors"]?[0]?["msg"]?.GetValue<string>() ?? "";
                if ((int)response.StatusCode != 400 || body["errors"]![0]!["code"]!.GetValue<int>() != 400 || body["data"] is not null
                    || !Regex.IsMatch(message, errorRegex))
                    failures.Add($"{url}: expected 400 matching /{errorRegex}/, got {(int)response.StatusCode} {body.ToJsonString()}");
                continue;
            }
            if ((int)response.StatusCode != 200) failures.Add($"{url}: expected 200, got {(int)response.StatusCode} {body.ToJsonString()}");
            if (@case["expected_body_errors"] is JsonArray expectedErrors && !JsonNode.DeepEquals(expectedErrors, body["errors"]))
                failures.Add($"{url}: expected errors {expectedErrors.ToJsonString()}, got {body["errors"]?.ToJsonString()}");
            if (@case["expected"] is JsonObject expected) CompareParsed(url, expected, failures);
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The parsed query must hold what Jaeger's parser produced.</summary>
    private static void CompareParsed(string url, JsonObject expected, List<string> failures)
    {
        var search = JaegerSearchParser.Parse(new QueryCollection(QueryHelpers.ParseQuery(new Uri("http://x" + url).Query)), DateTimeOffset.UtcNow);
        if (expected["traceIDs"] is JsonArray ids)
        {
            var got = search.TraceIds.Select(JaegerIds.Format).ToList();
            if (!got.SequenceEqual(ids.Select(i => i!.GetValue<string>()))) failures.Add($"{url}: trace IDs {string.Join(",", got)}");
            return;
        }
        var conditions = search.Query!.Conditions.Select(c => c.Condition).ToList();
        string? Intrinsic(string key) => conditions.FirstOrDefault(c => c.Scope == AttributeScope.Intrinsic && c.Key == key && c.Op == ConditionOp.Equal)?.Value;
        if (Intrinsic("service") != expected["service"]?.GetValue<string>()) failures.Add($"{url}: service {Intrinsic("service")}");
        if (Intrinsic("name") != expected["operation"]?.GetValue<string>()) failures.Add($"{url}: operation {Intrinsic("name")}");
        if (search.Query.Limit != expected["searchDepth"]!.GetValue<int>()) failures.Add($"{url}: limit {search.Query.Limit}");
        var tags = conditions.Where(c => c.Scope == AttributeScope.Any).ToDictionary(c => c.Key, c => c.Value);
        var wantTags = expected["attributes"]?.AsObject().ToDictionary(p => p.Key, p => (string?)p.Value!.GetValue<string>()) ?? [];
        if (!tags.OrderBy(t => t.Key).SequenceEqual(wantTags.OrderBy(t => t.Key))) failures.Add($"{url}: tags {string.Join(",", tags)}");
        foreach (var (field, op) in new[] { ("durationMin", ConditionOp.GreaterOrEqual), ("durationMax", ConditionOp.LessOrEqual) })
        {
            var want = expected[field]?.GetValue<string>() is { } text ? (long)(Kubetrace.Config.GoDuration.TryParse(text, out var d) ? d.Ticks * 100 : -1) : (long?)null;
            var got = conditions.FirstOrDefault(c => c.Key == "duration" && c.Op == op)?.Value is { } v ? long.Parse(v) : (long?)null;
            if (want != got) failures.Add($"{url}: {field} {got} ns, expected {want}");
        }
    }
}
