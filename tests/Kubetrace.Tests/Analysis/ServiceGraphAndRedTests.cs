using System.Text.Json;
using Kubetrace.Tests.Api;
using Kubetrace.Tests.Cli;

namespace Kubetrace.Tests.Analysis;

/// <summary><c>graph</c>, <c>red</c> and <c>/metrics/spans</c> on a real server holding <see cref="ShopTraces"/>.
/// The traces lie at <see cref="Spans.BaseTime"/>, dated once for the test process, so the queries name the hour they
/// were made in (<see cref="Spans.Window"/>): a suite on one busy core runs past the hour the default looks back.</summary>
public sealed class ServiceGraphAndRedTests : IAsyncLifetime
{
    private QueryServer _server = null!;

    private string Url => _server.QueryUrl;

    public async Task InitializeAsync()
    {
        _server = await QueryServer.StartAsync();
        await _server.PostOtlpJsonAsync(ShopTraces.Json(), "shop traces");
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task The_graph_has_one_edge_per_caller_and_callee_with_exact_counts_and_latencies()
    {
        using var answer = JsonDocument.Parse(await _server.Query.GetStringAsync($"/api/v1/analyze/graph?{Spans.WindowQuery}"));
        var data = answer.RootElement.GetProperty("data");

        Assert.Equal(["cart", "frontend", "redis"], data.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
        var edges = data.GetProperty("edges").EnumerateArray().Select(e =>
            $"{e.GetProperty("parent")}->{e.GetProperty("child")} calls={e.GetProperty("calls")} errors={e.GetProperty("errors")} " +
            $"rate={e.GetProperty("errorRate")} p50={e.GetProperty("p50Nanos")} p99={e.GetProperty("p99Nanos")}").ToList();
        Assert.Equal(
        [
            "cart->redis calls=1 errors=1 rate=1 p50=10000000 p99=10000000",
            "frontend->cart calls=2 errors=0 rate=0 p50=40000000 p99=60000000",
        ], edges);
    }

    [Fact]
    public async Task Red_gives_rate_errors_and_percentiles_per_service_and_operation()
    {
        using var answer = JsonDocument.Parse(await _server.Query.GetStringAsync($"/api/v1/analyze/red?{Spans.WindowQuery}"));
        var rows = answer.RootElement.GetProperty("data").GetProperty("operations").EnumerateArray().Select(r =>
            $"{r.GetProperty("service")} {r.GetProperty("operation")} {r.GetProperty("kind")} calls={r.GetProperty("calls")} " +
            $"errors={r.GetProperty("errors")} p50={r.GetProperty("p50Nanos")} p95={r.GetProperty("p95Nanos")} p99={r.GetProperty("p99Nanos")}").ToList();

        Assert.Equal(
        [
            "redis SET client calls=1 errors=1 p50=10000000 p95=10000000 p99=10000000",
            "frontend GET /checkout server calls=2 errors=0 p50=100000000 p95=200000000 p99=200000000",
            "cart AddItem server calls=2 errors=0 p50=40000000 p95=60000000 p99=60000000",
            "frontend GET /home server calls=1 errors=0 p50=50000000 p95=50000000 p99=50000000",
        ], rows);
    }

    [Fact]
    public async Task Red_for_one_service_lists_only_its_operations()
    {
        using var answer = JsonDocument.Parse(await _server.Query.GetStringAsync($"/api/v1/analyze/red?{Spans.WindowQuery}&service=cart"));
        var rows = answer.RootElement.GetProperty("data").GetProperty("operations").EnumerateArray().ToList();

        Assert.Equal("AddItem", Assert.Single(rows).GetProperty("operation").GetString());
    }

    [Fact]
    public async Task The_analyze_command_draws_the_graph_worst_edge_first()
    {
        var result = await CliRun.RunAsync("analyze", "graph", "--server", Url, "--since", Spans.SinceWindowStart, "--width", "160");

        Assert.Equal(0, result.Code);
        var redisRow = Array.FindIndex(result.Lines, l => l.Contains("cart", StringComparison.Ordinal) && l.Contains("redis", StringComparison.Ordinal));
        var cartRow = Array.FindIndex(result.Lines, l => l.Contains("frontend", StringComparison.Ordinal) && l.Contains("cart", StringComparison.Ordinal));
        Assert.True(redisRow >= 0 && cartRow > redisRow, result.Output);
        // One or two calls: the error rate carries its 95% interval, the percentiles their small-sample marks, the row its traces.
        Assert.Matches(@"cart\s+.*redis\s+.*1\s+.*1\s+.*100% \(2\.5%–100%\)\s+.*10ms\?\s+.*≥10ms\s+1$", result.Lines[redisRow].TrimEnd());
        Assert.Matches(@"frontend\s+.*cart\s+.*2\s+.*0\s+.*0% \(0\.0%–84%\)\s+.*40ms\?\s+.*≥60ms\s+2$", result.Lines[cartRow].TrimEnd());
        Assert.Contains(result.Lines, l => l.Contains("2 edges between 3 services", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_analyze_command_prints_red_as_json()
    {
        var result = await CliRun.RunAsync("analyze", "red", "--server", Url, "--since", Spans.SinceWindowStart, "--json", "--service", "redis");

        Assert.Equal(0, result.Code);
        using var data = JsonDocument.Parse(result.Output);
        var row = Assert.Single(data.RootElement.GetProperty("operations").EnumerateArray().ToList());
        Assert.Equal("SET", row.GetProperty("operation").GetString());
        Assert.Equal(1, row.GetProperty("errorRate").GetDouble());
    }

    [Fact]
    public async Task Span_metrics_are_served_with_the_spanmetrics_connector_names_labels_and_buckets()
    {
        using var response = await _server.Query.GetAsync("/metrics/spans");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        const string checkout = "service_name=\"frontend\",span_name=\"GET /checkout\",span_kind=\"SPAN_KIND_SERVER\",status_code=\"STATUS_CODE_UNSET\"";
        const string set = "service_name=\"redis\",span_name=\"SET\",span_kind=\"SPAN_KIND_CLIENT\",status_code=\"STATUS_CODE_ERROR\"";
        var lines = text.Split('\n');
        Assert.Contains("# TYPE traces_span_metrics_calls_total counter", lines);
        Assert.Contains("# TYPE traces_span_metrics_duration_seconds histogram", lines);
        Assert.Contains($"traces_span_metrics_calls_total{{{checkout}}} 2", lines);
        Assert.Contains($"traces_span_metrics_calls_total{{{set}}} 1", lines);
        // 100 ms and 200 ms: one at le=0.1 (bounds are inclusive), both by le=0.2.
        Assert.Contains($"traces_span_metrics_duration_seconds_bucket{{{checkout},le=\"0.05\"}} 0", lines);
        Assert.Contains($"traces_span_metrics_duration_seconds_bucket{{{checkout},le=\"0.1\"}} 1", lines);
        Assert.Contains($"traces_span_metrics_duration_seconds_bucket{{{checkout},le=\"0.2\"}} 2", lines);
        Assert.Contains($"traces_span_metrics_duration_seconds_bucket{{{checkout},le=\"+Inf\"}} 2", lines);
        Assert.Contains($"traces_span_metrics_duration_seconds_count{{{checkout}}} 2", lines);
        Assert.Contains($"traces_span_metrics_duration_seconds_sum{{{checkout}}} 0.30000000000000004", lines);
        var bounds = lines.Where(l => l.StartsWith($"traces_span_metrics_duration_seconds_bucket{{{set}", StringComparison.Ordinal))
            .Select(l => l.Split("le=\"")[1].Split('"')[0]);
        Assert.Equal(["0.002", "0.004", "0.006", "0.008", "0.01", "0.05", "0.1", "0.2", "0.4", "0.8", "1", "1.4", "2", "5", "10", "15", "+Inf"], bounds);
    }
}
