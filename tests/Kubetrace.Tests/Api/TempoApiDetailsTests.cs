using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Api;

/// <summary>Details of the Tempo API that Tempo's own clients see: jsonpb IDs, build info, tag matching.</summary>
public abstract class TempoApiDetailsSuite(JaegerFixtures fixtures)
{
    private HttpClient Tempo => fixtures.Server.Tempo;

    [RequiresSharedFolderFact]
    public async Task Trace_JSON_has_base64_trace_and_span_IDs_as_Tempo_jsonpb_writes_them()
    {
        var traceId = fixtures.Traces["default"]["resourceSpans"]![0]!["scopeSpans"]![0]!["spans"]![0]!["traceId"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/traces/{traceId}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/protobuf"));
        using var response = await Tempo.SendAsync(request);
        var expected = ExportTraceServiceRequest.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync())
            .ResourceSpans.SelectMany(r => r.ScopeSpans).SelectMany(s => s.Spans).ToList();

        foreach (var (path, batches) in new[] { ("/api/traces/", "batches"), ("/api/v2/traces/", "resourceSpans") })
        {
            var json = JsonNode.Parse(await Tempo.GetStringAsync(path + traceId))!;
            var root = path.Contains("v2") ? json["trace"]! : json;
            var spans = root[batches]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).ToList();
            Assert.Equal(expected.Count, spans.Count);
            for (var i = 0; i < spans.Count; i++)
            {
                Assert.Equal(Convert.ToBase64String(expected[i].TraceId.Span), spans[i]!["traceId"]!.GetValue<string>());
                Assert.Equal(Convert.ToBase64String(expected[i].SpanId.Span), spans[i]!["spanId"]!.GetValue<string>());
                Assert.Equal(expected[i].StartTimeUnixNano.ToString(), spans[i]!["startTimeUnixNano"]!.GetValue<string>());
                if (expected[i].Kind != 0) Assert.Equal((int)expected[i].Kind, spans[i]!["kind"]!.GetValue<int>());
            }
        }
    }

    [Fact]
    public async Task Build_info_reports_a_Tempo_2_version_with_kubetraces_own_as_build_metadata()
    {
        var info = JsonNode.Parse(await Tempo.GetStringAsync("/api/status/buildinfo"))!;

        Assert.Matches(@"^2\.\d+\.\d+\+kubetrace\.[0-9A-Za-z.-]+$", info["version"]!.GetValue<string>());
        Assert.Equal(Kubetrace.Cli.VersionCommand.Version, info["revision"]!.GetValue<string>());
        Assert.All(new[] { "branch", "buildUser", "buildDate", "goVersion" }, key => Assert.NotNull(info[key]));
    }

    [RequiresSharedFolderFact]
    public async Task Tag_search_matches_values_case_insensitively_anywhere_in_the_value()
    {
        async Task<List<string>> RootServices(string tags) =>
            JsonNode.Parse(await Tempo.GetStringAsync($"/api/search?limit=100&tags={Uri.EscapeDataString(tags)}"))!["traces"]!
                .AsArray().Select(t => t!["rootServiceName"]!.GetValue<string>()).ToList();

        var bySubstring = await RootServices("service.name=QUERY22-SERV");
        Assert.NotEmpty(bySubstring);
        Assert.All(bySubstring, s => Assert.Equal("query22-service", s));
        Assert.Equal((await RootServices("service.name=query22-service")).Order(), bySubstring.Order());
        Assert.NotEmpty(await RootServices("sameplacetag1=PLACEVAL"));
        Assert.Empty(await RootServices("service.name=no-such-service"));
    }
}

/// <summary>The suite on the embedded store.</summary>
public sealed class TempoApiDetailsTests(JaegerFixtures fixtures) : TempoApiDetailsSuite(fixtures), IClassFixture<JaegerFixtures>;

/// <summary>The suite on ClickHouse.</summary>
public sealed class TempoApiDetailsOnClickHouseTests(ClickHouseJaegerFixtures fixtures) : TempoApiDetailsSuite(fixtures), IClassFixture<ClickHouseJaegerFixtures>;
