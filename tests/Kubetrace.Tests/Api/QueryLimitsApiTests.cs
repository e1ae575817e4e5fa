using System.Buffers;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Api;

/// <summary>
/// The query limits configured on <c>kubetrace_query</c> hold on every API: a search that reaches one answers what
/// it has, marked incomplete in each API's way (native <c>incomplete</c>, a Jaeger error entry, and the
/// <c>Kubetrace-Incomplete</c> header on all three); a range beyond <c>max_duration</c> is a 400 naming it.
/// </summary>
public sealed class QueryLimitsApiTests
{
    [Fact]
    public async Task A_search_over_max_bytes_per_query_is_marked_incomplete_by_every_api()
    {
        await using var server = await QueryServer.StartAsync("max_bytes_per_query: 30KiB");
        await server.PostOtlpJsonAsync(BulkyTraces(10), "bulky traces");

        var native = await server.Query.GetAsync($"/api/v1/search?service=apiserver&limit=10&spans=3&{WindowQuery}");
        var nativeBody = JsonNode.Parse(await native.Content.ReadAsStringAsync())!;
        var jaeger = await server.Query.GetAsync("/api/traces?service=apiserver&limit=10");
        var jaegerBody = JsonNode.Parse(await jaeger.Content.ReadAsStringAsync())!;
        var tempo = await server.Tempo.GetAsync("/api/search?q=%7B%7D&limit=10&spss=3");
        var tempoBody = JsonNode.Parse(await tempo.Content.ReadAsStringAsync())!;

        Assert.All(new[] { native, jaeger, tempo }, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(new[] { native, jaeger, tempo }, r => Assert.Equal("max_bytes_per_query", r.Headers.GetValues("Kubetrace-Incomplete").Single()));
        Assert.Equal("max_bytes_per_query", nativeBody["incomplete"]!["limit"]!.GetValue<string>());
        Assert.InRange(nativeBody["traces"]!.AsArray().Count, 1, 9);
        Assert.StartsWith("incomplete result: the answer reached max_bytes_per_query", jaegerBody["errors"]![0]!["msg"]!.GetValue<string>());
        Assert.InRange(jaegerBody["data"]!.AsArray().Count, 1, 9);
        Assert.InRange(tempoBody["traces"]!.AsArray().Count, 1, 9);
    }

    [Fact]
    public async Task A_search_within_its_limits_carries_no_marker()
    {
        await using var server = await QueryServer.StartAsync();
        await server.PostOtlpJsonAsync(BulkyTraces(10), "bulky traces");

        var native = await server.Query.GetAsync($"/api/v1/search?service=apiserver&limit=10&spans=3&{WindowQuery}");

        var answer = JsonNode.Parse(await native.Content.ReadAsStringAsync())!;
        Assert.False(native.Headers.Contains("Kubetrace-Incomplete"));
        Assert.Null(answer["incomplete"]);
        Assert.Equal(10, answer["traces"]!.AsArray().Count); // the whole answer, not an empty one
    }

    [Theory]
    [InlineData("query", "/api/v1/search?start=2026-01-01T00:00:00Z&end=2026-01-03T00:00:00Z")]
    [InlineData("query", "/api/traces?service=x&start=1767225600000000&end=1767398400000000")]
    [InlineData("tempo", "/api/search?q=%7B%7D&start=1767225600&end=1767398400")]
    public async Task A_range_longer_than_max_duration_is_a_400_naming_it(string port, string url)
    {
        await using var server = await QueryServer.StartAsync("max_duration: 24h");

        var response = await (port == "tempo" ? server.Tempo : server.Query).GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("is longer than max_duration (24h0m0s)", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/search?q=%7B%7D&spss=1001")]
    [InlineData("/api/search?tags=service.name%3Dapiserver&spss=1001")]
    public async Task Tempo_spans_per_spanset_over_max_spans_per_span_set_is_a_400_naming_it_not_a_silent_cut(string url)
    {
        await using var server = await QueryServer.StartAsync();

        var response = await server.Tempo.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("1001 spans per trace is more than max_spans_per_span_set (1000)", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/api/v1/search?start=2026-01-01T00:00:00Z&end=3000-01-02T00:00:00Z", "end: \"3000-01-02T00:00:00Z\" is outside the times the store can hold")]
    [InlineData("/api/v1/search?start=1&end=99999999999999999999", "end: \"99999999999999999999\" is neither RFC 3339")]
    [InlineData("/api/traces?service=x&start=0&end=9223372036854776", "unable to parse param 'end': 9223372036854776 is after the latest time the store can hold")]
    public async Task A_time_the_store_cannot_hold_is_a_400_naming_the_parameter(string url, string message)
    {
        await using var server = await QueryServer.StartAsync();

        var response = await server.Query.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, System.Text.RegularExpressions.Regex.Unescape(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("start=1.0e300&end=1485475200", "'start' parameter 1.0e300 is outside the times the store can hold")]
    [InlineData("start=1485388800&end=9999999999", "'end' parameter 9999999999 is outside the times the store can hold")]
    [InlineData("start=-5&end=1485475200", "'start' parameter -5 is outside the times the store can hold")]
    public async Task A_tempo_metrics_time_the_store_cannot_hold_is_a_400_naming_the_parameter(string range, string message)
    {
        await using var server = await QueryServer.StartAsync();

        var response = await server.Tempo.GetAsync($"/api/metrics/query_range?q={Uri.EscapeDataString("{ } | rate()")}&{range}&step=1h");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, await response.Content.ReadAsStringAsync());
    }

    /// <summary>Traces of three spans, each span with a 4 KB attribute.</summary>
    private static string BulkyTraces(int count)
    {
        var blob = new string('x', 4096);
        var request = Request([.. Enumerable.Range(1, count).Select(t => Resource("apiserver",
            Span(t, 1, 0, "GET", t * 10, 5, ("blob", blob)),
            Span(t, 2, 1, "etcd get", t * 10 + 1, 1, ("blob", blob)),
            Span(t, 3, 1, "etcd list", t * 10 + 2, 1, ("blob", blob))))]);
        var output = new ArrayBufferWriter<byte>();
        OtlpJson.WriteTo(output, request);
        return Encoding.UTF8.GetString(output.WrittenSpan);
    }
}
