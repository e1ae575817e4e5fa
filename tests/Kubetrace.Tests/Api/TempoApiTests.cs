using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>The Tempo API over the Jaeger fixtures, as Grafana's Tempo data source calls it.</summary>
public abstract class TempoApiSuite(JaegerFixtures fixtures)
{
    private HttpClient Tempo => fixtures.Server.Tempo;

    [Fact]
    public async Task Echo_and_ready_answer()
    {
        Assert.Equal("echo", await Tempo.GetStringAsync("/api/echo"));
        Assert.Equal("ready", await Tempo.GetStringAsync("/ready"));
    }

    [RequiresSharedFolderFact]
    public async Task TraceQL_spanset_filter_finds_the_traces_of_a_service_with_matching_spans()
    {
        var q = Uri.EscapeDataString("{ resource.service.name = \"query22-service\" && duration >= 0ms }");
        var answer = JsonNode.Parse(await Tempo.GetStringAsync($"/api/search?q={q}&start=1485388800&end=1485475200&spss=1"))!;

        var traces = answer["traces"]!.AsArray();
        Assert.Equal(3, traces.Count); // multiple1_trace, multiple2_trace, multiple3_trace
        foreach (var trace in traces)
        {
            Assert.Equal("query22-service", trace!["rootServiceName"]!.GetValue<string>());
            var spanSet = trace["spanSets"]![0]!;
            Assert.True(spanSet["matched"]!.GetValue<int>() >= 1);
            Assert.Single(spanSet["spans"]!.AsArray()); // spss=1
            Assert.Equal(16, spanSet["spans"]![0]!["spanID"]!.GetValue<string>().Length);
            // As in Tempo, the spanset shows the attributes the query tested.
            var attribute = Assert.Single(spanSet["spans"]![0]!["attributes"]!.AsArray())!;
            Assert.Equal("service.name", attribute["key"]!.GetValue<string>());
            Assert.Equal("query22-service", attribute["value"]!["stringValue"]!.GetValue<string>());
            Assert.True(trace["serviceStats"]!["query22-service"]!["spanCount"]!.GetValue<int>() >= 1);
        }
    }

    [RequiresSharedFolderFact]
    public async Task TraceQL_conditions_on_span_attributes_and_names_are_all_required()
    {
        var both = Uri.EscapeDataString("{ span.sameplacetag1 = \"sameplacevalue\" && name = \"query12-operation\" }");
        var found = JsonNode.Parse(await Tempo.GetStringAsync($"/api/search?q={both}"))!["traces"]!.AsArray();
        Assert.NotEmpty(found);
        Assert.All(found, t => Assert.Contains("query12", t!["rootServiceName"]!.GetValue<string>()));

        var none = Uri.EscapeDataString("{ span.sameplacetag1 = \"sameplacevalue\" && name = \"no-such-operation\" }");
        Assert.Empty(JsonNode.Parse(await Tempo.GetStringAsync($"/api/search?q={none}"))!["traces"]!.AsArray());
    }

    [RequiresSharedFolderFact]
    public async Task Trace_by_id_comes_as_protobuf_or_json_by_accept()
    {
        var traceId = fixtures.Traces["default"]["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!["traceId"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/traces/{traceId.TrimStart('0')}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/protobuf"));
        using var response = await Tempo.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var trace = ExportTraceServiceRequest.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(traceId, Convert.ToHexStringLower(trace.ResourceSpans[0].ScopeSpans[0].Spans[0].TraceId.Span));

        var json = JsonNode.Parse(await Tempo.GetStringAsync($"/api/traces/{traceId}"))!;
        Assert.NotEmpty(json["batches"]!.AsArray());
        var v2 = JsonNode.Parse(await Tempo.GetStringAsync($"/api/v2/traces/{traceId}"))!;
        Assert.NotEmpty(v2["trace"]!["resourceSpans"]!.AsArray());
    }

    [RequiresSharedFolderFact]
    public async Task Tag_names_and_values_serve_autocompletion()
    {
        var names = JsonNode.Parse(await Tempo.GetStringAsync("/api/search/tags"))!["tagNames"]!.AsArray();
        Assert.Contains("sameplacetag1", names.Select(n => n!.GetValue<string>()));

        var values = JsonNode.Parse(await Tempo.GetStringAsync("/api/v2/search/tag/resource.service.name/values"))!["tagValues"]!.AsArray();
        Assert.Contains(values, v => v!["value"]!.GetValue<string>() == "query06-service" && v["type"]!.GetValue<string>() == "string");

        var v1 = JsonNode.Parse(await Tempo.GetStringAsync("/api/search/tag/service.name/values"))!["tagValues"]!.AsArray();
        Assert.Contains("query06-service", v1.Select(v => v!.GetValue<string>()));
    }
}

/// <summary>The suite on the embedded store.</summary>
public sealed class TempoApiTests(JaegerFixtures fixtures) : TempoApiSuite(fixtures), IClassFixture<JaegerFixtures>;

/// <summary>The suite on ClickHouse.</summary>
public sealed class TempoApiOnClickHouseTests(ClickHouseJaegerFixtures fixtures) : TempoApiSuite(fixtures), IClassFixture<ClickHouseJaegerFixtures>;
