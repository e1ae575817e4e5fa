using System.Net;
using System.Text.Json.Nodes;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>The queries Grafana's Tempo data source, search builder and Traces Drilldown send, over HTTP.</summary>
public abstract class TempoTraceQlApiSuite(JaegerFixtures fixtures)
{
    private HttpClient Tempo => fixtures.Server.Tempo;

    private async Task<JsonArray> SearchAsync(string traceQl)
    {
        using var response = await Tempo.GetAsync("/api/search?limit=100&spss=50&q=" + Uri.EscapeDataString(traceQl));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{traceQl}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["traces"]!.AsArray();
    }

    private static IEnumerable<JsonNode> Spans(JsonArray traces) =>
        traces.SelectMany(t => t!["spanSets"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Select(s => s!);

    private static JsonNode? Attribute(JsonNode span, string key) =>
        span["attributes"]?.AsArray().FirstOrDefault(a => a!["key"]!.GetValue<string>() == key)?["value"];

    [RequiresSharedFolderFact]
    public async Task Trace_level_intrinsics_select_whole_traces()
    {
        var traces = await SearchAsync("{ rootServiceName = \"query22-service\" }");
        Assert.NotEmpty(traces);
        Assert.All(traces, t => Assert.Equal("query22-service", t!["rootServiceName"]!.GetValue<string>()));

        var all = await SearchAsync("{}");
        var longest = all.Max(t => t!["durationMs"]!.GetValue<long>());
        var slow = await SearchAsync($"{{ traceDuration >= {longest}ms }}");
        Assert.NotEmpty(slow);
        Assert.All(slow, t => Assert.True(t!["durationMs"]!.GetValue<long>() >= longest));
        Assert.Empty(await SearchAsync($"{{ traceDuration > {longest + 1}ms }}"));
    }

    [RequiresSharedFolderFact]
    public async Task Root_spans_are_those_without_a_parent_in_the_nested_set()
    {
        var spans = Spans(await SearchAsync("{ nestedSetParent < 0 }")).ToList();
        Assert.NotEmpty(spans);
        Assert.All(spans, s => Assert.Equal("-1", Attribute(s, "nestedSetParent")!["intValue"]!.GetValue<string>()));
    }

    [RequiresSharedFolderFact]
    public async Task Negated_regex_of_the_multi_select_excludes_every_listed_value()
    {
        var spans = Spans(await SearchAsync("{ resource.service.name !~ \"query22-service|query04-service\" }")).ToList();
        Assert.NotEmpty(spans);
        Assert.All(spans, s => Assert.DoesNotContain(Attribute(s, "service.name")!["stringValue"]!.GetValue<string>(),
            new[] { "query22-service", "query04-service" }));
    }

    [RequiresSharedFolderFact]
    public async Task Types_are_strict_an_integer_is_not_its_text()
    {
        Assert.NotEmpty(await SearchAsync("{ span.sameplacetag2 = 123 }"));
        Assert.Empty(await SearchAsync("{ span.sameplacetag2 = \"123\" }"));
        Assert.NotEmpty(await SearchAsync("{ span.sameplacetag2 != nil && span.sameplacetag2 >= 100 }"));
    }

    [RequiresSharedFolderFact]
    public async Task Select_adds_the_selected_attributes_to_the_spans()
    {
        var spans = Spans(await SearchAsync("{ resource.service.name = \"query04-service\" } | select(.sameplacetag2, kind)")).ToList();
        Assert.NotEmpty(spans);
        Assert.All(spans, s => Assert.NotNull(Attribute(s, "kind")));
        Assert.Contains(spans, s => Attribute(s, "sameplacetag2")?["intValue"]?.GetValue<string>() == "123");
    }

    [RequiresSharedFolderFact]
    public async Task Invalid_regex_and_type_errors_are_400_with_position_or_reason()
    {
        using var regex = await Tempo.GetAsync("/api/search?q=" + Uri.EscapeDataString("{ name =~ \"*\" }"));
        Assert.Equal(HttpStatusCode.BadRequest, regex.StatusCode);
        Assert.Contains("invalid regex", await regex.Content.ReadAsStringAsync());
        using var syntax = await Tempo.GetAsync("/api/search?q=" + Uri.EscapeDataString("{ .a = 1 } | rate("));
        Assert.Equal(HttpStatusCode.BadRequest, syntax.StatusCode);
        Assert.Contains("parse error at line 1, col 19", await syntax.Content.ReadAsStringAsync());
    }

    [RequiresSharedFolderFact]
    public async Task Tags_come_in_every_scope_Grafana_asks_for()
    {
        var intrinsic = JsonNode.Parse(await Tempo.GetStringAsync("/api/v2/search/tags?scope=intrinsic"))!["scopes"]![0]!;
        Assert.Equal("intrinsic", intrinsic["name"]!.GetValue<string>());
        Assert.Contains("traceDuration", intrinsic["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        foreach (var scope in new[] { "span", "resource", "event", "link", "instrumentation" })
        {
            using var response = await Tempo.GetAsync($"/api/v2/search/tags?scope={scope}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var spanTags = JsonNode.Parse(await Tempo.GetStringAsync("/api/v2/search/tags?scope=span"))!["scopes"]![0]!["tags"]!.AsArray();
        Assert.Contains("sameplacetag2", spanTags.Select(t => t!.GetValue<string>()));
    }

    [RequiresSharedFolderFact]
    public async Task Scope_none_asks_for_the_tags_of_every_scope_as_Tempo_reads_it()
    {
        Assert.Equal(await Tempo.GetStringAsync("/api/v2/search/tags"), await Tempo.GetStringAsync("/api/v2/search/tags?scope=none"));
        Assert.Equal(await Tempo.GetStringAsync("/api/search/tags"), await Tempo.GetStringAsync("/api/search/tags?scope=none"));
    }

    [RequiresSharedFolderFact]
    public async Task Tag_values_are_typed_and_filtered_by_the_query()
    {
        var all = JsonNode.Parse(await Tempo.GetStringAsync("/api/v2/search/tag/resource.service.name/values"))!["tagValues"]!.AsArray();
        Assert.True(all.Count > 2);
        var q = Uri.EscapeDataString("{ resource.service.name = \"query04-service\" }");
        var filtered = JsonNode.Parse(await Tempo.GetStringAsync($"/api/v2/search/tag/resource.service.name/values?q={q}"))!["tagValues"]!.AsArray();
        var only = Assert.Single(filtered)!;
        Assert.Equal("query04-service", only["value"]!.GetValue<string>());

        var typed = JsonNode.Parse(await Tempo.GetStringAsync($"/api/v2/search/tag/.sameplacetag2/values?q={q}"))!["tagValues"]!.AsArray();
        Assert.Contains(typed, v => v!["type"]!.GetValue<string>() == "int" && v["value"]!.GetValue<string>() == "123");
        var status = JsonNode.Parse(await Tempo.GetStringAsync("/api/v2/search/tag/status/values"))!["tagValues"]!.AsArray();
        Assert.All(status, v => Assert.Equal("keyword", v!["type"]!.GetValue<string>()));
    }

    [RequiresSharedFolderFact]
    public async Task Metrics_query_range_answers_Tempos_series_format()
    {
        var q = Uri.EscapeDataString("{ } | count_over_time() by (resource.service.name)");
        var answer = JsonNode.Parse(await Tempo.GetStringAsync($"/api/metrics/query_range?q={q}&start=1485388800&end=1485475200&step=1h"))!;
        var series = answer["series"]!.AsArray();
        Assert.NotEmpty(series);
        var query22 = series.Single(s => s!["labels"]![0]!["value"]!["stringValue"]!.GetValue<string>() == "query22-service")!;
        Assert.Equal("resource.service.name", query22["labels"]![0]!["key"]!.GetValue<string>());
        var samples = query22["samples"]!.AsArray();
        Assert.True(samples.Sum(x => x!["value"]!.GetValue<double>()) >= 3); // three traces of query22-service
        Assert.All(samples, x => Assert.Equal(0, long.Parse(x!["timestampMs"]!.GetValue<string>()) % 3_600_000));

        var instant = JsonNode.Parse(await Tempo.GetStringAsync($"/api/metrics/query?q={Uri.EscapeDataString("{ } | rate()")}&start=1485388800&end=1485475200"))!;
        Assert.True(Assert.Single(instant["series"]!.AsArray())!["value"]!.GetValue<double>() > 0);

        using var search = await Tempo.GetAsync($"/api/metrics/query_range?q={Uri.EscapeDataString("{ }")}");
        Assert.Equal(HttpStatusCode.BadRequest, search.StatusCode);
        Assert.Contains("not a metrics query", await search.Content.ReadAsStringAsync());
        using var tooFine = await Tempo.GetAsync($"/api/metrics/query_range?q={Uri.EscapeDataString("{ } | rate()")}&start=1485388800&end=1485475200&step=1ms");
        Assert.Equal(HttpStatusCode.BadRequest, tooFine.StatusCode);
    }

    [RequiresSharedFolderFact]
    public async Task Metrics_answer_exemplars_and_compare_in_Tempos_shape()
    {
        var q = Uri.EscapeDataString("{ } | count_over_time() by (resource.service.name)");
        var answer = JsonNode.Parse(await Tempo.GetStringAsync($"/api/metrics/query_range?q={q}&start=1485388800&end=1485475200&step=1h&exemplars=2"))!;
        var exemplars = answer["series"]!.AsArray().SelectMany(s => s!["exemplars"]!.AsArray()).ToList();
        Assert.InRange(exemplars.Count, 1, 2);
        foreach (var e in exemplars)
        {
            var labels = e!["labels"]!.AsArray().ToDictionary(l => l!["key"]!.GetValue<string>(), l => l!["value"]!["stringValue"]!.GetValue<string>());
            Assert.Matches("^[0-9a-f]{1,32}$", labels["trace:id"]);
            Assert.Matches("^[0-9a-f]{16}$", labels["span:id"]);
            Assert.True(e["value"]!.GetValue<double>() >= 1);
            Assert.InRange(long.Parse(e["timestampMs"]!.GetValue<string>()), 1485388800_000, 1485475200_000);
        }

        var compare = JsonNode.Parse(await Tempo.GetStringAsync(
            $"/api/metrics/query_range?q={Uri.EscapeDataString("{ } | compare({ status = error })")}&start=1485388800&end=1485475200&step=1h"))!;
        var metaTypes = compare["series"]!.AsArray().Select(s => s!["labels"]![0]!).ToList();
        Assert.All(metaTypes, l => Assert.Equal("__meta_type", l["key"]!.GetValue<string>()));
        Assert.Contains(metaTypes, l => l["value"]!["stringValue"]!.GetValue<string>() == "baseline_total");
    }

    [RequiresSharedFolderFact]
    public async Task Metrics_summary_answers_Tempos_shape_for_Grafanas_aggregate_by()
    {
        var q = Uri.EscapeDataString("{ resource.service.name != nil }");
        var answer = JsonNode.Parse(await Tempo.GetStringAsync($"/api/metrics/summary?q={q}&groupBy={Uri.EscapeDataString("resource.service.name, kind")}&start=1485388800&end=1485475200"))!;
        var summaries = answer["summaries"]!.AsArray();
        Assert.NotEmpty(summaries);
        foreach (var summary in summaries)
        {
            Assert.True(ulong.Parse(summary!["spanCount"]!.GetValue<string>()) >= 1); // uint64 as jsonpb writes it: a string
            Assert.True(ulong.Parse(summary["p99"]!.GetValue<string>()) >= ulong.Parse(summary["p50"]!.GetValue<string>()));
            var series = summary["series"]!.AsArray();
            Assert.Equal(new[] { "resource.service.name", "kind" }, series.Select(s => s!["key"]!.GetValue<string>()));
            Assert.Equal(5, series[0]!["value"]!["type"]!.GetValue<int>()); // string
            Assert.NotEmpty(series[0]!["value"]!["s"]!.GetValue<string>());
            Assert.Equal(13, series[1]!["value"]!["type"]!.GetValue<int>()); // kind, as Tempo 2.9 numbers it
        }
        Assert.Contains(summaries, s => s!["series"]![0]!["value"]!["s"]!.GetValue<string>() == "query22-service");

        var none = await Tempo.GetStringAsync($"/api/metrics/summary?q={Uri.EscapeDataString("{ name = \"no such span\" }")}&groupBy=name&start=1485388800&end=1485475200");
        Assert.Equal("{}", none);
        foreach (var bad in new[] { $"q={q}", $"q={q}&groupBy=a,b,c,d,e,f", $"q={Uri.EscapeDataString("{ } | rate()")}&groupBy=name", $"q={q}&groupBy=name&start=x" })
        {
            using var refused = await Tempo.GetAsync("/api/metrics/summary?" + bad);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
    }
}

/// <summary>The suite on the embedded store.</summary>
public sealed class TempoTraceQlApiTests(JaegerFixtures fixtures) : TempoTraceQlApiSuite(fixtures), IClassFixture<JaegerFixtures>;

/// <summary>The suite on ClickHouse.</summary>
public sealed class TempoTraceQlApiOnClickHouseTests(ClickHouseJaegerFixtures fixtures) : TempoTraceQlApiSuite(fixtures), IClassFixture<ClickHouseJaegerFixtures>;
