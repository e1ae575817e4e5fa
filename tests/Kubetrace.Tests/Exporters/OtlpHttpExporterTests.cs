using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

public sealed class OtlpHttpExporterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static OtlpHttpExporterConfig Config(TestOtlpServer server, OtlpHttpEncoding encoding = OtlpHttpEncoding.Proto,
        OtlpCompression compression = OtlpCompression.Gzip) => new()
    {
        Endpoint = server.HttpBaseUrl,
        Encoding = encoding,
        Compression = compression,
        Headers = { ["Authorization"] = "Bearer t0ken" },
        RetryOnFailure = new RetryConfig { InitialInterval = TimeSpan.FromMilliseconds(20) },
    };

    private static Task<(TestSettings Test, int Calls)> Export(OtlpHttpExporterConfig config, TestOtlpServer server,
        params TraceBatch[] batches) => ExportOn(TimeProvider.System, passRetries: null, config, server, batches);

    /// <summary><see cref="Export"/> with the exporter on <paramref name="clock"/> (its retries' delays), which
    /// <paramref name="passRetries"/> moves past them before the shutdown flushes.</summary>
    private static async Task<(TestSettings Test, int Calls)> ExportOn(TimeProvider clock, Func<Task>? passRetries,
        OtlpHttpExporterConfig config, TestOtlpServer server, params TraceBatch[] batches)
    {
        var test = new TestSettings("otlphttp");
        Assert.Empty(config.Validate());
        var exporter = new OtlpHttpExporterFactory(time: clock).Create(test.Settings, config);
        await exporter.StartAsync(default);
        foreach (var batch in batches) await exporter.ConsumeAsync(batch, default);
        if (passRetries is not null) await passRetries();
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);
        return (test, server.Calls);
    }

    [Theory]
    [InlineData(OtlpHttpEncoding.Proto, OtlpCompression.Gzip, "application/x-protobuf", "gzip")]
    [InlineData(OtlpHttpEncoding.Proto, OtlpCompression.None, "application/x-protobuf", "")]
    [InlineData(OtlpHttpEncoding.Json, OtlpCompression.Gzip, "application/json", "gzip")]
    [InlineData(OtlpHttpEncoding.Json, OtlpCompression.None, "application/json", "")]
    public async Task Posts_the_batch_to_v1_traces_in_the_configured_encoding(OtlpHttpEncoding encoding,
        OtlpCompression compression, string contentType, string contentEncoding)
    {
        await using var server = await TestOtlpServer.StartAsync();
        var batch = SampleRequests.Batch(3);

        var (test, _) = await Export(Config(server, encoding, compression), server, batch);

        var seen = Assert.Single(server.Accepted);
        Assert.Equal(batch.Request, seen.Body);
        Assert.Equal(contentType, seen.ContentType);
        Assert.Equal(contentEncoding, seen.ContentEncoding);
        Assert.Equal("Bearer t0ken", seen.Headers["authorization"]);
        Assert.Equal(3, test.Counter("otelcol_exporter_sent_spans"));
    }

    [Fact]
    public async Task Traces_endpoint_is_used_exactly_as_given()
    {
        await using var server = await TestOtlpServer.StartAsync();
        var config = Config(server);
        config.Endpoint = null;
        config.TracesEndpoint = server.HttpBaseUrl + "/custom/path";

        await Export(config, server, SampleRequests.Batch(1));

        Assert.Single(server.Accepted);
    }

    [Fact]
    public async Task Retries_503_and_honours_Retry_After()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = n => n == 1 ? ScriptedAnswer.Unavailable(TimeSpan.FromSeconds(1)) : null;

        var clock = new ManualClock(DateTimeOffset.UtcNow);
        var (test, calls) = await ExportOn(clock, () => clock.PassNextTimerAsync("the wait Retry-After asked for"),
            Config(server), server, SampleRequests.Batch(2));

        Assert.Equal(2, calls);
        Assert.Single(server.Accepted);
        Assert.Equal([TimeSpan.FromSeconds(1)], clock.TimersAsked); // Retry-After: 1, not the 20 ms back-off
        Assert.Equal(2, test.Counter("otelcol_exporter_sent_spans"));
    }

    [Fact]
    public async Task Retries_429_until_the_server_accepts()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = n => n <= 3 ? new ScriptedAnswer(429, Grpc.Core.StatusCode.ResourceExhausted, "slow down") : null;

        var (_, calls) = await Export(Config(server), server, SampleRequests.Batch(2));

        Assert.Equal(4, calls);
        Assert.Single(server.Accepted);
    }

    [Fact]
    public async Task A_400_is_permanent_and_its_status_message_is_logged()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = _ => ScriptedAnswer.BadData();

        var (test, calls) = await Export(Config(server), server, SampleRequests.Batch(6));

        Assert.Equal(1, calls);
        Assert.Equal(6, test.Counter("otelcol_exporter_send_failed_spans"));
        Assert.Equal(
            $"Error: Exporting failed. Dropped 6 spans of exporter otlphttp: HTTP 400 Bad Request from {server.HttpBaseUrl}/v1/traces: span 3 has an empty trace id",
            Assert.Single(test.Log));
    }

    [Theory]
    [InlineData(OtlpHttpEncoding.Proto)]
    [InlineData(OtlpHttpEncoding.Json)]
    public async Task A_partial_success_is_logged_and_not_retried(OtlpHttpEncoding encoding)
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.PartialSuccess = new ExportTracePartialSuccess { RejectedSpans = 2, ErrorMessage = "invalid span id" };

        var (test, calls) = await Export(Config(server, encoding), server, SampleRequests.Batch(4));

        Assert.Equal(1, calls);
        Assert.Equal($"Warning: Partial success from {server.HttpBaseUrl}/v1/traces: 2 spans rejected: invalid span id",
            Assert.Single(test.Log));
    }

    [Fact]
    public void Needs_an_endpoint()
    {
        var problem = Assert.Single(new OtlpHttpExporterConfig().Validate());

        Assert.Equal(new ConfigProblem("", "endpoint or traces_endpoint is required"), problem);
    }

    [Theory]
    [InlineData("http://collector:4318", null, "http://collector:4318/v1/traces")]
    [InlineData("http://collector:4318/prefix/", null, "http://collector:4318/prefix/v1/traces")]
    [InlineData("http://collector:4318", "https://other/otlp/traces", "https://other/otlp/traces")]
    public void The_traces_url_appends_v1_traces_unless_given_exactly(string endpoint, string? traces, string expected)
    {
        var config = new OtlpHttpExporterConfig { Endpoint = endpoint, TracesEndpoint = traces };

        Assert.Equal(expected, config.TracesUrl().ToString());
    }
}
