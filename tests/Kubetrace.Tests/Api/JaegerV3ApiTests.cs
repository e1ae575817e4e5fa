using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Json;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger's api_v3 over HTTP (apiv3/http_gateway.go, query_parser.go) on the query port, as Jaeger UI 2.x calls it:
/// OTLP JSON in <c>{"result":...}</c>, lists in proto3 JSON, errors in the gateway's <c>{"error":{...}}</c>.
/// </summary>
public sealed class JaegerV3ApiTests : IAsyncLifetime
{
    private const string Window = "query.startTimeMin=2023-11-14T22:00:00Z&query.startTimeMax=2023-11-14T23:00:00Z";
    private QueryServer _server = null!;
    private string _traceId = "";

    public async Task InitializeAsync()
    {
        _server = await QueryServer.StartAsync();
        var root = SampleRequests.ValidSpan("GET /pods", seed: 3); // starts 2023-11-14T22:13:20Z, 500 ms
        var child = SampleRequests.ValidSpan("list", seed: 4);
        child.TraceId = root.TraceId;
        child.ParentSpanId = root.SpanId;
        child.Kind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind.Client;
        child.EndTimeUnixNano = child.StartTimeUnixNano + 20_000_000;
        await _server.PostOtlpJsonAsync(Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(SampleRequests.WithSpans(root, child))), "first export");
        // The same spans again, as a client's retry that also carries an attribute the first did not (so the store keeps both copies).
        root.Attributes.Add(new Kubetrace.Otlp.Proto.Common.KeyValue { Key = "retry", Value = new Kubetrace.Otlp.Proto.Common.AnyValue { BoolValue = true } });
        child.Attributes.Add(root.Attributes[^1]);
        await _server.PostOtlpJsonAsync(Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(SampleRequests.WithSpans(root, child))), "a client's retry");
        _traceId = Convert.ToHexStringLower(root.TraceId.Span);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_trace_comes_back_as_OTLP_JSON_with_hex_IDs_and_each_span_once()
    {
        var result = await OkAsync($"/api/v3/traces/{_traceId}");

        var spans = Spans(result);
        Assert.Equal(["GET /pods", "list"], spans.Select(s => s["name"]!.GetValue<string>()).Order());
        var root = spans.Single(s => s["name"]!.GetValue<string>() == "GET /pods");
        Assert.Equal(_traceId, root["traceId"]!.GetValue<string>());
        Assert.Equal("1415161718191a1b", root["spanId"]!.GetValue<string>());
        Assert.Equal(2, root["kind"]!.GetValue<int>());
        Assert.Equal("1700000000000000000", root["startTimeUnixNano"]!.GetValue<string>());
        Assert.Equal("kube-apiserver", result["resourceSpans"]![0]!["resource"]!["attributes"]![0]!["value"]!["stringValue"]!.GetValue<string>());
    }

    [Fact]
    public async Task Raw_traces_keep_a_span_stored_twice_as_stored()
    {
        Assert.Equal(4, Spans(await OkAsync($"/api/v3/traces/{_traceId}?rawTraces=true")).Count);
        Assert.Equal(4, Spans(await OkAsync($"/api/v3/traces/{_traceId}?raw_traces=true")).Count);
    }

    [Fact]
    public async Task A_trace_ID_in_base64_finds_the_same_trace()
    {
        var base64 = Convert.ToBase64String(Convert.FromHexString(_traceId));
        var result = await OkAsync($"/api/v3/traces/{Uri.EscapeDataString(base64)}");
        Assert.Equal(2, Spans(result).Count);
        Assert.Equal(2, Spans(await OkAsync($"/api/v3/traces/{base64.TrimEnd('=').Replace('+', '-').Replace('/', '_')}")).Count);
    }

    [Fact]
    public async Task A_trace_not_stored_is_the_gateways_404()
    {
        using var response = await _server.Query.GetAsync("/api/v3/traces/00000000000000000000000000000bad");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        Assert.Equal("{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Search_finds_by_service_operation_attributes_and_duration_under_either_parameter_spelling()
    {
        var attributes = Uri.EscapeDataString("{\"k8s.pod.name\":\"api-0\"}");
        foreach (var url in new[]
        {
            $"/api/v3/traces?query.serviceName=kube-apiserver&{Window}",
            $"/api/v3/traces?query.service_name=kube-apiserver&query.start_time_min=2023-11-14T22:00:00Z&query.start_time_max=2023-11-14T23:00:00Z",
            $"/api/v3/traces?query.serviceName=kube-apiserver&query.operationName=list&{Window}",
            $"/api/v3/traces?query.attributes={attributes}&{Window}",
            $"/api/v3/traces?query.durationMin=400ms&query.durationMax=1s&query.searchDepth=5&{Window}",
        })
        {
            var spans = Spans(await OkAsync(url));
            Assert.True(spans.Count == 2, $"{url}: {spans.Count} spans");
            Assert.All(spans, s => Assert.Equal(_traceId, s["traceId"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task A_search_that_matches_nothing_is_404_No_traces_found()
    {
        await AssertErrorAsync($"/api/v3/traces?query.serviceName=kube-apiserver&query.operationName=watch&{Window}", 404, "No traces found");
        await AssertErrorAsync("/api/v3/traces?query.serviceName=kube-apiserver&query.startTimeMin=2023-11-14T23:00:00Z&query.startTimeMax=2023-11-15T00:00:00Z",
            404, "No traces found");
    }

    [Fact]
    public async Task Bad_parameters_are_400_naming_the_parameter()
    {
        await AssertErrorAsync("/api/v3/traces/xyz", 400, "malformed parameter trace_id: strconv.ParseUint: parsing \"xyz\": invalid syntax");
        await AssertErrorAsync($"/api/v3/traces/{_traceId}?startTime=yesterday", 400, "malformed parameter startTime: parsing time \"yesterday\"");
        await AssertErrorAsync($"/api/v3/traces/{_traceId}?raw_traces=yes", 400, "malformed parameter raw_traces: strconv.ParseBool: parsing \"yes\": invalid syntax");
        await AssertErrorAsync("/api/v3/traces?query.serviceName=x", 400, "query.startTimeMin and query.startTimeMax are required");
        await AssertErrorAsync("/api/v3/traces?query.startTimeMin=2023-11-14T23:00:00Z&query.startTimeMax=2023-11-14T22:00:00Z", 400,
            "query.startTimeMin must be before query.startTimeMax");
        await AssertErrorAsync($"/api/v3/traces?query.searchDepth=many&{Window}", 400, "malformed parameter query.searchDepth: strconv.Atoi: parsing \"many\": invalid syntax");
        await AssertErrorAsync($"/api/v3/traces?query.num_traces=0&{Window}", 400, "malformed parameter query.num_traces: the search depth must be greater than 0");
        await AssertErrorAsync($"/api/v3/traces?query.duration_min=5&{Window}", 400, "malformed parameter query.duration_min: time: missing unit in duration \"5\"");
        await AssertErrorAsync($"/api/v3/traces?query.attributes=%5B1%5D&{Window}", 400,
            "malformed parameter query.attributes: json: cannot unmarshal array into Go value of type map[string]string");
        await AssertErrorAsync($"/api/v3/traces?query.rawTraces=2&{Window}", 400, "malformed parameter query.rawTraces: strconv.ParseBool");
    }

    [Fact]
    public async Task Services_and_operations_answer_in_proto3_JSON()
    {
        Assert.Equal("{\"services\":[\"kube-apiserver\"]}", await _server.Query.GetStringAsync("/api/v3/services"));
        var all = JsonNode.Parse(await _server.Query.GetStringAsync("/api/v3/operations?service=kube-apiserver"))!["operations"]!.AsArray();
        Assert.Equal(["GET /pods/server", "list/client"], all.Select(o => $"{o!["name"]}/{o["spanKind"]}").Order());
        Assert.Equal("{\"operations\":[{\"name\":\"list\",\"spanKind\":\"client\"}]}",
            await _server.Query.GetStringAsync("/api/v3/operations?service=kube-apiserver&span_kind=client"));
        Assert.Equal("{}", await _server.Query.GetStringAsync("/api/v3/operations?service=etcd"));
    }

    [Fact]
    public async Task Trace_summaries_sum_up_the_searched_traces_as_Jaeger_UI_lists_them()
    {
        var spans = Spans(await OkAsync($"/api/v3/traces?query.serviceName=kube-apiserver&{Window}"));
        using var response = await _server.Query.GetAsync($"/api/v3/trace-summaries?query.serviceName=kube-apiserver&{Window}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["summaries"]!.AsArray())!;

        Assert.Equal(_traceId, summary["traceId"]!.GetValue<string>());
        Assert.Equal("kube-apiserver", summary["rootServiceName"]!.GetValue<string>());
        Assert.Equal("GET /pods", summary["rootOperationName"]!.GetValue<string>());
        Assert.Equal(2, summary["spanCount"]!.GetValue<int>()); // the retry's copies count once
        Assert.Equal(spans.Min(s => ulong.Parse(s["startTimeUnixNano"]!.GetValue<string>())).ToString(), summary["minStartTimeUnixNano"]!.GetValue<string>());
        Assert.Equal(spans.Max(s => ulong.Parse(s["endTimeUnixNano"]!.GetValue<string>())).ToString(), summary["maxEndTimeUnixNano"]!.GetValue<string>());
        Assert.Null(summary["orphanSpanCount"]); // zero, left out as proto3 JSON leaves defaults out
        var service = Assert.Single(summary["services"]!.AsArray())!;
        Assert.Equal("kube-apiserver", service["name"]!.GetValue<string>());
        Assert.Equal(2, service["spanCount"]!.GetValue<int>());

        using var none = await _server.Query.GetAsync($"/api/v3/trace-summaries?query.serviceName=nobody&{Window}");
        Assert.Equal(HttpStatusCode.OK, none.StatusCode);
        Assert.Equal("{}", await none.Content.ReadAsStringAsync());
        await AssertErrorAsync("/api/v3/trace-summaries?query.serviceName=x", 400, "query.startTimeMin and query.startTimeMax are required");
    }

    private async Task<JsonNode> OkAsync(string url)
    {
        using var response = await _server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        return JsonNode.Parse(body)!["result"]!;
    }

    private async Task AssertErrorAsync(string url, int status, string messageStart)
    {
        using var response = await _server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"GET {url}: {(int)response.StatusCode} {body}");
        var error = JsonNode.Parse(body)!["error"]!;
        Assert.Equal(status, error["httpCode"]!.GetValue<int>());
        Assert.StartsWith(messageStart, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static List<JsonNode> Spans(JsonNode result) =>
        result["resourceSpans"]!.AsArray().SelectMany(r => r!["scopeSpans"]!.AsArray()).SelectMany(s => s!["spans"]!.AsArray()).Select(s => s!).ToList();
}
