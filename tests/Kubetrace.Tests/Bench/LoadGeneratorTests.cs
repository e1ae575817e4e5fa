using System.Net;
using System.Net.Sockets;
using Kubetrace.Bench;
using Kubetrace.Bench.Sink;

namespace Kubetrace.Tests.Bench;

public class LoadGeneratorTests
{
    private const int GrpcFrameHeader = 5;

    [Theory]
    [InlineData(BenchProtocol.Grpc)]
    [InlineData(BenchProtocol.Http)]
    public async Task Everything_the_generator_counts_as_sent_is_what_the_sink_received(BenchProtocol protocol)
    {
        await using var sink = await OtlpSink.StartAsync(new IPEndPoint(IPAddress.Loopback, 0), new IPEndPoint(IPAddress.Loopback, 0));
        var endpoint = protocol == BenchProtocol.Grpc ? sink.GrpcEndpoint : sink.HttpEndpoint!;
        var options = SmallRun(new Uri($"http://{endpoint}"), protocol);

        var result = await new LoadGenerator(options).RunAsync("kubetrace bench (test)", null, CancellationToken.None);

        Assert.True(result.Requests > 0, "no request completed in the measured window");
        Assert.Equal(0, result.FailedRequests);
        Assert.Equal(result.Requests * options.SpansPerRequest, result.AcceptedSpans);
        Assert.True(result.AcceptedSpansPerSecond > 0);
        Assert.True(result.Totals.Requests >= result.Requests);
        Assert.Equal(result.Totals.Requests, sink.Requests);
        var framing = protocol == BenchProtocol.Grpc ? GrpcFrameHeader * result.Totals.Requests : 0;
        Assert.Equal(result.Totals.Bytes + framing, sink.Bytes);
        Assert.NotNull(result.Resources);
        Assert.True(result.Resources.GeneratorCpuCores > 0);
    }

    [Fact]
    public async Task The_server_process_is_measured_when_its_pid_is_given()
    {
        // The sink runs in the test process, so the "server" is this process: its CPU and memory must show up.
        await using var sink = await OtlpSink.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var options = SmallRun(new Uri($"http://{sink.GrpcEndpoint}"), BenchProtocol.Grpc) with { ServerPid = Environment.ProcessId };

        var result = await new LoadGenerator(options).RunAsync("test", null, CancellationToken.None);

        Assert.True(result.Resources!.ServerCpuCores > 0);
        Assert.True(result.Resources.ServerPeakRssMib > 10);
        Assert.True(result.Resources.ServerLifetimePeakRssMib >= result.Resources.ServerPeakRssMib);
    }

    [Theory]
    [InlineData(BenchProtocol.Grpc, "grpc UNAVAILABLE")]
    [InlineData(BenchProtocol.Http, "transport HttpRequestException")]
    public async Task An_endpoint_that_refuses_connections_is_reported_as_failed_requests_by_code(BenchProtocol protocol, string label)
    {
        // Long enough for a refused connection to come back even on a loaded machine (a request still connecting
        // when the run ends is not counted).
        var options = SmallRun(new Uri($"http://127.0.0.1:{UnusedPort()}"), protocol) with
        {
            Duration = TimeSpan.FromSeconds(2),
            Warmup = TimeSpan.Zero,
        };

        var result = await new LoadGenerator(options).RunAsync("test", null, CancellationToken.None);

        Assert.True(result.FailedRequests > 0);
        Assert.Equal(result.Requests, result.FailedRequests);
        Assert.Equal(0, result.AcceptedSpans);
        Assert.Equal(result.FailedRequests, Assert.Contains(label, result.Errors));
        Assert.False(string.IsNullOrEmpty(result.ErrorExamples[label]));
    }

    [Fact]
    public async Task A_target_rate_holds_the_load_near_it()
    {
        await using var sink = await OtlpSink.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var options = SmallRun(new Uri($"http://{sink.GrpcEndpoint}"), BenchProtocol.Grpc) with
        {
            SpansPerSecond = 2_000, // 20 requests/s of 100 spans
            Warmup = TimeSpan.FromMilliseconds(500),
            Duration = TimeSpan.FromSeconds(2),
        };

        var result = await new LoadGenerator(options).RunAsync("test", null, CancellationToken.None);

        Assert.InRange(result.AcceptedSpansPerSecond, 1_500, 2_500);
    }

    private static BenchOptions SmallRun(Uri endpoint, BenchProtocol protocol) => new()
    {
        Endpoint = endpoint,
        Protocol = protocol,
        Connections = 2,
        Concurrency = 1,
        SpansPerRequest = 100,
        DistinctRequests = 4,
        Warmup = TimeSpan.FromMilliseconds(300),
        Duration = TimeSpan.FromMilliseconds(1500),
    };

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
