using System.Net;

namespace Kubetrace.Tests.Api;

/// <summary>
/// Bad queries on every API — malformed IDs, bad durations, end before start, absurd limits — are a 400 whose
/// body, in that API's own error format, says what is wrong.
/// </summary>
public sealed class BadQueryTests(JaegerFixtures fixtures) : IClassFixture<JaegerFixtures>
{
    [Theory]
    // Jaeger: the envelope with errors[0].msg
    [InlineData("jaeger", "/api/traces/xyz", "cannot parse traceID param: strconv.ParseUint: parsing \\\"xyz\\\": invalid syntax")]
    [InlineData("jaeger", "/api/traces/123456789012345678901234567890123", "TraceID cannot be longer than 32 hex characters")]
    [InlineData("jaeger", "/api/traces?service=a&minDuration=fast", "unable to parse param 'minDuration': time: invalid duration \\\"fast\\\"")]
    [InlineData("jaeger", "/api/traces?service=a&maxDuration=5parsecs", "time: unknown unit \\\"parsecs\\\"")]
    [InlineData("jaeger", "/api/traces?service=a&start=2000&end=1000", "'end' (1000) must not be before 'start' (2000)")]
    [InlineData("jaeger", "/api/traces?service=a&limit=99999999", "'limit' must be at most 10000")]
    [InlineData("jaeger", "/api/traces?service=a&limit=-1", "'limit' must not be negative")]
    [InlineData("jaeger", "/api/dependencies?endTs=yesterday", "unable to parse param 'endTs'")]
    [InlineData("jaeger", "/api/operations", "parameter 'service' is required")]
    // Native: {"error":{"code":400,"message":...}}
    [InlineData("native", "/api/v1/traces/not-hex", "is not a trace ID")]
    [InlineData("native", "/api/v1/search?minDuration=10", "minDuration: time: missing unit in duration \\\"10\\\"")]
    [InlineData("native", "/api/v1/search?start=2026-01-02T00:00:00Z&end=2026-01-01T00:00:00Z", "must be after start")]
    [InlineData("native", "/api/v1/search?limit=1000000", "limit must be a whole number from 1 to 10000")]
    [InlineData("native", "/api/v1/search?status=broken", "status must be one of unset, ok, error")]
    [InlineData("native", "/api/v1/search?attr=novalue", "attr must be key=value")]
    // Tempo: plain text
    [InlineData("tempo", "/api/traces/zz", "trace IDs can only contain hex characters: invalid character 'z' at position 1")]
    [InlineData("tempo", "/api/v2/traces/123456789012345678901234567890123", "trace IDs can't be larger than 128 bits")]
    [InlineData("tempo", "/api/search?minDuration=1fortnight", "invalid minDuration: time: unknown unit \"fortnight\" in duration \"1fortnight\"")]
    [InlineData("tempo", "/api/search?start=20&end=10", "http parameter start must be before end. received start=20 end=10")]
    [InlineData("tempo", "/api/search?limit=5000000", "invalid limit: must be at most 10000")]
    [InlineData("tempo", "/api/search?q=%7B%20name%20%3D~%20%22*%22%20%7D", "invalid TraceQL query: invalid regex: `*`")]
    [InlineData("tempo", "/api/search?q=%7B%20duration%20%3E%20fast%20%7D", "invalid TraceQL query: parse error at line 1, col 14: unknown identifier: fast")]
    [InlineData("tempo", "/api/search?q=%7B%201%20%3D%20%22foo%22%20%7D", "invalid TraceQL query: binary operations must operate on the same type: 1 = `foo`")]
    [InlineData("tempo", "/api/search?q=%7B%20parent.a%20%3D%201%20%7D", "unsupported TraceQL: parent not yet supported")]
    [InlineData("tempo", "/api/search?q=%7B%20.a%20%3D%20%22b%22", "invalid TraceQL query")]
    [InlineData("tempo", "/api/v2/search/tag/nonsense/values", "invalid tag \"nonsense\"")]
    public async Task Bad_query_is_a_400_with_a_clear_message_in_the_apis_format(string api, string url, string message)
    {
        var client = api == "tempo" ? fixtures.Server.Tempo : fixtures.Server.Query;
        using var response = await client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{url}: {(int)response.StatusCode} {body}");
        Assert.Contains(message, body);
        switch (api)
        {
            case "jaeger":
                Assert.StartsWith("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":400,\"msg\":", body);
                break;
            case "native":
                Assert.StartsWith("{\"error\":{\"code\":400,\"message\":", body);
                break;
            default:
                Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString());
                break;
        }
    }

    /// <summary>The web UI's "last 7d" and Grafana-style ranges use days and weeks: every duration parameter takes them.</summary>
    [Theory]
    [InlineData("native", "/api/v1/search?since=7d")]
    [InlineData("native", "/api/v1/analyze/red?since=2w")]
    [InlineData("native", "/api/v1/analyze/etcd-timeline?since=2w&bucket=1d")]
    [InlineData("jaeger", "/api/traces?service=a&minDuration=1d")]
    [InlineData("tempo", "/api/search?minDuration=1d")]
    public async Task Duration_parameters_take_days_and_weeks(string api, string url)
    {
        var client = api == "tempo" ? fixtures.Server.Tempo : fixtures.Server.Query;
        using var response = await client.GetAsync(url);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public async Task Unknown_trace_is_404_in_each_apis_way()
    {
        using var jaeger = await fixtures.Server.Query.GetAsync("/api/traces/00000000000000000000000000abcdef");
        Assert.Equal(HttpStatusCode.NotFound, jaeger.StatusCode);
        Assert.Contains("\"msg\":\"trace not found\"", await jaeger.Content.ReadAsStringAsync());

        using var tempo = await fixtures.Server.Tempo.GetAsync("/api/traces/abcdef");
        Assert.Equal(HttpStatusCode.NotFound, tempo.StatusCode);
        Assert.Equal("", await tempo.Content.ReadAsStringAsync()); // Tempo: 404 with an empty body

        using var native = await fixtures.Server.Query.GetAsync("/api/v1/traces/abcdef");
        Assert.Equal(HttpStatusCode.NotFound, native.StatusCode);
        Assert.Contains("\"code\":404", await native.Content.ReadAsStringAsync());
    }
}
