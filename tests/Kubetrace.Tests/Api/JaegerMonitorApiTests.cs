using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Kubetrace.Otlp.Json;
using Kubetrace.Otlp.Proto.Common;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Jaeger UI's Monitor tab: <c>/api/metrics/{calls,errors,latencies,minstep}</c> on the query port, answered as
/// Jaeger's metric store answers them, with values worked out by hand from the spans sent.
/// </summary>
public sealed class JaegerMonitorApiTests : IAsyncLifetime
{
    /// <summary>2023-11-14T22:13:20Z in Unix ms.</summary>
    private const long T0 = 1_700_000_000_000;

    /// <summary>Points at T0, T0+30s, T0+60s, each over the 30 s before it.</summary>
    private const string Range = "endTs=1700000060000&lookback=60000&step=30000&ratePer=30000";

    private QueryServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await QueryServer.StartAsync();
        var apiserver = SampleRequests.WithSpans(
            Span("GET", seed: 1, startMs: T0 - 10_000, durationMs: 100),
            Span("GET", seed: 2, startMs: T0 + 5_000, durationMs: 300, error: true),
            Span("LIST", seed: 3, startMs: T0 + 20_000, durationMs: 200),
            Span("GET", seed: 4, startMs: T0 + 50_000, durationMs: 100),
            Span("webhook", seed: 5, startMs: T0 + 10_000, durationMs: 50, kind: SpanKind.Client),
            Span("GET", seed: 6, startMs: T0 - 40_000, durationMs: 900)); // before every window
        var etcd = SampleRequests.WithSpans(Span("Range", seed: 7, startMs: T0 + 10_000, durationMs: 5));
        etcd.ResourceSpans[0].Resource.Attributes[0].Value = new AnyValue { StringValue = "etcd" };
        apiserver.ResourceSpans.Add(etcd.ResourceSpans[0]);
        await _server.PostOtlpJsonAsync(Encoding.UTF8.GetString(OtlpJson.ToUtf8Bytes(apiserver)), "monitor spans");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Calls_are_server_calls_per_second_over_each_points_window()
    {
        var family = await FamilyAsync($"/api/metrics/calls?service=kube-apiserver&{Range}");

        Assert.Equal("service_call_rate", family["name"]!.GetValue<string>());
        Assert.Equal("GAUGE", family["type"]!.GetValue<string>());
        Assert.Equal("calls/sec, grouped by service", family["help"]!.GetValue<string>());
        var metric = Assert.Single(family["metrics"]!.AsArray())!;
        Assert.Equal("[{\"name\":\"service_name\",\"value\":\"kube-apiserver\"}]", metric["labels"]!.ToJsonString());
        Assert.Equal(["2023-11-14T22:13:20Z", "2023-11-14T22:13:50Z", "2023-11-14T22:14:20Z"], Points(metric).Select(p => p.Time));
        Assert.Equal([1 / 30.0, 2 / 30.0, 1 / 30.0], Points(metric).Select(p => p.Value));
    }

    [Fact]
    public async Task Grouped_by_operation_each_operation_is_a_series_and_a_longer_rate_window_counts_more()
    {
        var family = await FamilyAsync($"/api/metrics/calls?service=kube-apiserver&groupByOperation=true&{Range}");
        var series = family["metrics"]!.AsArray().ToDictionary(m => m!["labels"]![1]!["value"]!.GetValue<string>(), m => Points(m!).Select(p => p.Value).ToList());
        Assert.Equal([1 / 30.0, 1 / 30.0, 1 / 30.0], series["GET"]);
        Assert.Equal([0, 1 / 30.0, 0], series["LIST"]);
        Assert.Equal("operation", family["metrics"]![0]!["labels"]![1]!["name"]!.GetValue<string>());

        var minute = await FamilyAsync("/api/metrics/calls?service=kube-apiserver&endTs=1700000060000&lookback=60000&step=30000&ratePer=60000");
        Assert.Equal([2 / 60.0, 3 / 60.0, 3 / 60.0], Points(Assert.Single(minute["metrics"]!.AsArray())!).Select(p => p.Value));
    }

    [Fact]
    public async Task Span_kinds_and_services_choose_the_spans()
    {
        var client = await FamilyAsync($"/api/metrics/calls?service=kube-apiserver&spanKind=client&{Range}");
        Assert.Equal([0, 1 / 30.0, 0], Points(Assert.Single(client["metrics"]!.AsArray())!).Select(p => p.Value));

        var both = await FamilyAsync($"/api/metrics/calls?service=kube-apiserver&service=etcd&{Range}");
        Assert.Equal(["etcd", "kube-apiserver"], both["metrics"]!.AsArray().Select(m => m!["labels"]![0]!["value"]!.GetValue<string>()));

        var none = await FamilyAsync($"/api/metrics/calls?service=coredns&{Range}");
        Assert.Null(none["metrics"]);
    }

    [Fact]
    public async Task Errors_are_the_failed_fraction_of_calls_in_each_window_with_calls()
    {
        var family = await FamilyAsync($"/api/metrics/errors?service=kube-apiserver&groupByOperation=true&{Range}");

        Assert.Equal("service_error_rate", family["name"]!.GetValue<string>());
        var series = family["metrics"]!.AsArray().ToDictionary(m => m!["labels"]![1]!["value"]!.GetValue<string>(), m => Points(m!));
        Assert.Equal([0, 1, 0], series["GET"].Select(p => p.Value));
        Assert.Equal(["2023-11-14T22:13:50Z"], series["LIST"].Select(p => p.Time)); // no calls, no error rate
        Assert.Equal([0.0], series["LIST"].Select(p => p.Value));
    }

    [Fact]
    public async Task Latencies_are_the_quantile_of_each_windows_durations_in_milliseconds()
    {
        var family = await FamilyAsync($"/api/metrics/latencies?service=kube-apiserver&quantile=0.5&{Range}");
        Assert.Equal("service_latencies", family["name"]!.GetValue<string>());
        Assert.Equal("0.50th quantile latency, grouped by service", family["help"]!.GetValue<string>());
        Assert.Equal([100, 200, 100], Points(Assert.Single(family["metrics"]!.AsArray())!).Select(p => p.Value));

        var p95 = await FamilyAsync($"/api/metrics/latencies?service=kube-apiserver&quantile=0.95&{Range}");
        Assert.Equal([100, 300, 100], Points(Assert.Single(p95["metrics"]!.AsArray())!).Select(p => p.Value));
    }

    [Fact]
    public async Task Minstep_is_one_millisecond_in_the_v1_envelope()
    {
        Assert.Equal("{\"data\":1,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}", await _server.Query.GetStringAsync("/api/metrics/minstep"));
    }

    [Fact]
    public async Task Bad_parameters_are_400_in_the_v1_envelope_with_Jaegers_texts()
    {
        await AssertErrorAsync("/api/metrics/calls", "unable to parse param 'service': please provide at least one service name");
        await AssertErrorAsync("/api/metrics/latencies?service=a", "unable to parse param 'quantile': strconv.ParseFloat: parsing \"\": invalid syntax");
        await AssertErrorAsync("/api/metrics/latencies?service=a&quantile=2", "unable to parse param 'quantile': 2 is not between 0 and 1");
        await AssertErrorAsync("/api/metrics/calls?service=a&spanKind=server&spanKind=bogus", "unable to parse param 'spanKind': unsupported span kind: 'bogus'");
        await AssertErrorAsync("/api/metrics/errors?service=a&groupByOperation=maybe", "unable to parse param 'groupByOperation': strconv.ParseBool: parsing \"maybe\": invalid syntax");
        await AssertErrorAsync("/api/metrics/calls?service=a&endTs=soon", "unable to parse param 'endTs': strconv.ParseInt: parsing \"soon\": invalid syntax");
        await AssertErrorAsync("/api/metrics/calls?service=a&step=0", "unable to parse param 'step': must be positive");
        await AssertErrorAsync("/api/metrics/calls?service=a&lookback=3600000&step=1", "exceeded maximum resolution of 11000 points per timeseries");
    }

    private static Kubetrace.Otlp.Proto.Trace.Span Span(string name, int seed, long startMs, long durationMs, bool error = false, SpanKind kind = SpanKind.Server)
    {
        var span = SampleRequests.ValidSpan(name, seed * 20);
        span.Kind = kind;
        span.StartTimeUnixNano = (ulong)startMs * 1_000_000;
        span.EndTimeUnixNano = (ulong)(startMs + durationMs) * 1_000_000;
        if (error) span.Status = new Kubetrace.Otlp.Proto.Trace.Status { Code = Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode.Error };
        return span;
    }

    private async Task<JsonNode> FamilyAsync(string url)
    {
        using var response = await _server.Query.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    private static List<(string Time, double Value)> Points(JsonNode metric) =>
        metric["metricPoints"]!.AsArray().Select(p => (p!["timestamp"]!.GetValue<string>(), p["gaugeValue"]!["doubleValue"]!.GetValue<double>())).ToList();

    private async Task AssertErrorAsync(string url, string messageStart)
    {
        using var response = await _server.Query.GetAsync(url);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET {url}: {(int)response.StatusCode} {body}");
        Assert.Null(body["data"]);
        var error = Assert.Single(body["errors"]!.AsArray())!;
        Assert.Equal(400, error["code"]!.GetValue<int>());
        Assert.StartsWith(messageStart, error["msg"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
