using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Api;
using Kubetrace.Api.Tempo;
using Kubetrace.Tests.EndToEnd.Harness;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Kubetrace.Tests.Api;

/// <summary>Tempo's search parameter and trace-ID cases (search_param_cases.json, id_format_cases.json).</summary>
public sealed class TempoParamTests(EmptyServer empty) : IClassFixture<EmptyServer>
{
    [RequiresSharedFolderFact]
    public async Task Every_tempo_search_param_case_behaves_as_in_tempo()
    {
        var cases = ConformanceCases.Load("tempo/search_param_cases.json")["cases"]!.AsArray();
        Assert.Equal(40, cases.Count);
        var failures = new List<string>();
        foreach (var @case in cases.Select(c => c!))
        {
            var name = @case["name"]!.GetValue<string>();
            var query = @case["urlQuery"]!.GetValue<string>();
            using var response = await empty.Server.Tempo.GetAsync("/api/search?" + query);
            var body = (await response.Content.ReadAsStringAsync()).TrimEnd('\n');
            if (@case["error"]?.GetValue<string>() is { } error)
            {
                if (response.StatusCode != HttpStatusCode.BadRequest || body != error)
                    failures.Add($"{name}: expected 400 \"{error}\", got {(int)response.StatusCode} \"{body}\"");
                continue;
            }
            if (response.StatusCode != HttpStatusCode.OK) failures.Add($"{name}: expected 200, got {(int)response.StatusCode} {body}");
            var parsed = TempoSearchParser.ParseRequest(new QueryCollection(QueryHelpers.ParseQuery("?" + query)));
            var expected = @case["expected_SearchRequest"]!.AsObject();
            var wantTags = expected["Tags"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.GetValue<string>());
            if (!parsed.Tags.OrderBy(t => t.Key).SequenceEqual(wantTags.OrderBy(t => t.Key)))
                failures.Add($"{name}: tags {string.Join(",", parsed.Tags)}");
            if (@case["compare"]?.GetValue<string>() == "Tags only") continue;
            uint Field(string key, uint fallback = 0) => expected[key]?.GetValue<uint>() ?? fallback;
            var got = (parsed.MinDurationMs, parsed.MaxDurationMs, parsed.Limit, parsed.Start, parsed.End, parsed.SpansPerSpanSet, parsed.Query);
            var want = (Field("MinDurationMs"), Field("MaxDurationMs"), Field("Limit"), Field("Start"), Field("End"),
                Field("SpansPerSpanSet"), expected["Query"]?.GetValue<string>() ?? "");
            if (got != want) failures.Add($"{name}: parsed {got}, expected {want}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [RequiresSharedFolderFact]
    public async Task Trace_ids_are_parsed_and_printed_as_tempo_does()
    {
        var cases = ConformanceCases.Load("tempo/id_format_cases.json");
        foreach (var @case in cases["HexStringToTraceID"]!.AsArray().Select(c => c!))
        {
            var input = @case["in"]!.GetValue<string>();
            using var response = await empty.Server.Tempo.GetAsync("/api/traces/" + Uri.EscapeDataString(input));
            if (@case["error"]?.GetValue<string>() is { } error)
            {
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Equal(error, (await response.Content.ReadAsStringAsync()).TrimEnd('\n'));
                Assert.Equal(error, Assert.Throws<BadQueryException>(() => TempoIds.ParseTraceId(input)).Message);
            }
            else
            {
                Assert.Equal(HttpStatusCode.NotFound, response.StatusCode); // valid, but no such trace
                Assert.Equal(@case["out_hex16"]!.GetValue<string>(), TempoIds.ParseTraceId(input).ToString());
            }
        }
        foreach (var @case in cases["TraceIDToHexString (leading zeros trimmed; used for traceID in search results)"]!.AsArray())
            Assert.Equal(@case!["out"]!.GetValue<string>(), TempoIds.FormatTraceId(Convert.FromHexString(@case["bytes_hex"]!.GetValue<string>())));
        foreach (var @case in cases["SpanIDToHexString (leading zeros trimmed then left-padded to 16 chars; used for spanID in spanSets)"]!.AsArray())
            Assert.Equal(@case!["out"]!.GetValue<string>(), TempoIds.FormatSpanId(Convert.FromHexString(@case["bytes_hex"]!.GetValue<string>())));
    }
}
