using Kubetrace.Components;
using Kubetrace.Exporters.File;
using Kubetrace.Exporters.Helper;
using Kubetrace.Exporters.Otlp;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Exporters;

public sealed class OtlpGrpcExporterTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static OtlpGrpcExporterConfig Config(string endpoint, TimeSpan? maxElapsed = null) => new()
    {
        Endpoint = endpoint,
        Tls = new ClientTlsConfig { Insecure = true },
        Headers = { ["x-tenant"] = "cluster-a" },
        RetryOnFailure = new RetryConfig
        {
            InitialInterval = TimeSpan.FromMilliseconds(20), MaxElapsedTime = maxElapsed ?? TimeSpan.FromSeconds(10),
        },
    };

    private static async Task<(IExporter Exporter, TestSettings Test)> Start(OtlpGrpcExporterConfig config, TimeProvider? clock = null)
    {
        var test = new TestSettings("otlp");
        Assert.Empty(config.Validate());
        var exporter = new OtlpGrpcExporterFactory(clock).Create(test.Settings, config);
        await exporter.StartAsync(default);
        return (exporter, test);
    }

    [Fact]
    public async Task Delivers_after_the_server_fails_twice_with_UNAVAILABLE()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = n => n <= 2 ? ScriptedAnswer.Unavailable() : null;
        var (exporter, test) = await Start(Config(server.GrpcEndpoint));
        var batch = SampleRequests.Batch(5);

        await exporter.ConsumeAsync(batch, default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(3, server.Calls);
        var seen = Assert.Single(server.Accepted);
        Assert.Equal(batch.Request, seen.Body);
        Assert.Equal("gzip", seen.ContentEncoding);
        Assert.Equal("cluster-a", seen.Headers["x-tenant"]);
        Assert.Equal(5, test.Counter("otelcol_exporter_sent_spans"));
        Assert.Empty(test.Log);
    }

    [Fact]
    public async Task Sends_uncompressed_when_compression_is_none()
    {
        await using var server = await TestOtlpServer.StartAsync();
        var config = Config(server.GrpcEndpoint);
        config.Compression = OtlpCompression.None;
        var (exporter, _) = await Start(config);
        var batch = SampleRequests.Batch(2);

        await exporter.ConsumeAsync(batch, default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        var seen = Assert.Single(server.Accepted);
        Assert.Equal(batch.Request, seen.Body);
        Assert.NotEqual("gzip", seen.ContentEncoding);
    }

    [Fact]
    public async Task Waits_as_long_as_RetryInfo_asks_before_retrying_RESOURCE_EXHAUSTED()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = n => n == 1 ? ScriptedAnswer.Throttled(TimeSpan.FromMilliseconds(600)) : null;
        var clock = new ManualClock();
        var (exporter, _) = await Start(Config(server.GrpcEndpoint), clock);

        await exporter.ConsumeAsync(SampleRequests.Batch(1), default);
        await clock.PassNextTimerAsync("the wait RetryInfo asked for");
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(2, server.Calls);
        Assert.Single(server.Accepted);
        Assert.Equal([TimeSpan.FromMilliseconds(600)], clock.TimersAsked); // RetryInfo's delay, not the 20 ms back-off
    }

    [Fact]
    public async Task INVALID_ARGUMENT_is_permanent_not_retried_and_reported()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = _ => ScriptedAnswer.BadData();
        var (exporter, test) = await Start(Config(server.GrpcEndpoint));

        await exporter.ConsumeAsync(SampleRequests.Batch(4), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(1, server.Calls);
        Assert.Equal(4, test.Counter("otelcol_exporter_send_failed_spans"));
        Assert.Equal(
            $"Error: Exporting failed. Dropped 4 spans of exporter otlp: gRPC InvalidArgument from {server.GrpcEndpoint}: span 3 has an empty trace id",
            Assert.Single(test.Log));
    }

    [Fact]
    public async Task RESOURCE_EXHAUSTED_without_RetryInfo_is_final()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.Script = _ => new ScriptedAnswer(413, Grpc.Core.StatusCode.ResourceExhausted, "message too large");
        var (exporter, test) = await Start(Config(server.GrpcEndpoint));

        await exporter.ConsumeAsync(SampleRequests.Batch(2), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(1, server.Calls);
        Assert.Equal(2, test.Counter("otelcol_exporter_send_failed_spans"));
    }

    [Fact]
    public async Task A_partial_success_is_logged_once_and_not_retried()
    {
        await using var server = await TestOtlpServer.StartAsync();
        server.PartialSuccess = new Kubetrace.Otlp.Proto.Collector.ExportTracePartialSuccess
        {
            RejectedSpans = 1, ErrorMessage = "span end before start",
        };
        var (exporter, test) = await Start(Config(server.GrpcEndpoint));

        await exporter.ConsumeAsync(SampleRequests.Batch(3), default);
        await exporter.ShutdownAsync(new CancellationTokenSource(Patience).Token);

        Assert.Equal(1, server.Calls);
        Assert.Equal(
            $"Warning: Partial success from {server.GrpcEndpoint}: 1 spans rejected: span end before start",
            Assert.Single(test.Log));
    }

    [Fact]
    public async Task A_dead_endpoint_does_not_hold_up_a_file_exporter_and_what_it_holds_is_dropped_and_counted_at_shutdown()
    {
        using var dead = FreePorts.Closed();
        var deadEndpoint = $"127.0.0.1:{dead.Port}";
        // Retrying for longer than any test waits: the dead exporter finishes no batch before it is shut down.
        var (otlp, otlpTest) = await Start(Config(deadEndpoint, maxElapsed: TimeSpan.FromHours(1)));
        var directory = Directory.CreateTempSubdirectory("kubetrace-dead-").FullName;
        try
        {
            var path = Path.Combine(directory, "traces.pb");
            var fileTest = new TestSettings("file");
            var file = new FileExporterFactory().Create(fileTest.Settings,
                new FileExporterConfig { Path = path, Format = FileFormat.Proto });
            await file.StartAsync(default);
            var batches = Enumerable.Range(1, 10).Select(i => SampleRequests.Batch(i)).ToList();

            // The pipeline's own fan-out: every exporter gets every batch; the dead one must not hold the other up.
            var fanOut = Kubetrace.Service.FanOutConsumer.Over([("otlp", otlp), ("file", file)]);
            var passedOn = Task.Run(async () =>
            {
                foreach (var batch in batches) await fanOut.ConsumeAsync(batch, default);
            });
            await Wait.UntilAsync(() => passedOn.IsCompleted, "the fan-out passed every batch on without waiting for the dead exporter's retries");
            await passedOn;
            await file.ShutdownAsync(new CancellationTokenSource(Patience).Token);
            await otlp.ShutdownAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(200)).Token); // cuts the retries short

            Assert.Equal(batches.Select(b => b.Request), FileExporterTests.ReadProtoRecords(path));
            Assert.Equal(55, fileTest.Counter("otelcol_exporter_sent_spans"));
            Assert.Equal(55, otlpTest.Counter("otelcol_exporter_send_failed_spans"));
            Assert.Equal(0, otlpTest.Counter("otelcol_exporter_sent_spans"));
            // The batches being retried are dropped with the endpoint's last answer, the ones still queued in one line.
            var drops = otlpTest.Log.Where(l => l.StartsWith("Error: Exporting failed. Dropped", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(drops);
            Assert.All(drops, l => Assert.Contains("retrying cancelled after", l));
            Assert.All(drops, l => Assert.Contains($"gRPC Unavailable from {deadEndpoint}", l));
            var queued = otlpTest.Log.Where(l => l.StartsWith("Error: Shutdown deadline reached: dropped", StringComparison.Ordinal)).Sum(l => int.Parse(l.Split(' ')[5]));
            Assert.Equal(55, drops.Sum(l => int.Parse(l.Split(' ')[4])) + queued);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Theory]
    [InlineData("", "endpoint: is required (host:port)")]
    [InlineData("ftp://collector:4317", "endpoint: \"ftp://collector:4317\" is not host:port (optionally with http:// or https://)")]
    public void Endpoint_problems_are_reported(string endpoint, string expected)
    {
        var problem = Assert.Single(new OtlpGrpcExporterConfig { Endpoint = endpoint }.Validate());

        Assert.Equal(expected, $"{problem.Key}: {problem.Message}");
    }

    [Theory]
    [InlineData("collector:4317", false, "https://collector:4317/")]
    [InlineData("collector:4317", true, "http://collector:4317/")]
    [InlineData("http://collector:4317", false, "http://collector:4317/")]
    public void The_scheme_follows_the_endpoint_or_else_tls_insecure(string endpoint, bool insecure, string expected)
    {
        var config = new OtlpGrpcExporterConfig { Endpoint = endpoint, Tls = new ClientTlsConfig { Insecure = insecure } };

        Assert.Equal(expected, config.Address().ToString());
    }
}
