using System.Net;
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

        // Whether any request finished inside the measured window depends on the machine's speed; the totals
        // (warm-up and tail included, in-flight sends completed) do not.
        Assert.True(result.Totals.Requests > 0, "no request was sent");
        Assert.Equal(result.Totals.Requests, result.Totals.SucceededRequests);
        Assert.Equal(0, result.FailedRequests);
        Assert.Equal(result.Requests * options.SpansPerRequest, result.AcceptedSpans);
        Assert.True(result.Totals.Requests >= result.Requests);
        Assert.Equal(result.Totals.Requests, sink.Requests);
        var framing = protocol == BenchProtocol.Grpc ? GrpcFrameHeader * result.Totals.Requests : 0;
        Assert.Equal(result.Totals.Bytes + framing, sink.Bytes);
        Assert.NotNull(result.Resources);
        Assert.True(result.Resources.GeneratorCpuCores >= 0);
    }

    [Fact]
    public async Task The_server_process_is_measured_when_its_pid_is_given()
    {
        // The sink runs in the test process, so the "server" is this process: its CPU and memory must show up.
        await using var sink = await OtlpSink.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var options = SmallRun(new Uri($"http://{sink.GrpcEndpoint}"), BenchProtocol.Grpc) with { ServerPid = Environment.ProcessId };

        var result = await new LoadGenerator(options).RunAsync("test", null, CancellationToken.None);

        // Present and plausible, not a speed: a .NET process with a gRPC server holds more than 10 MiB. (VmHWM is
        // not compared with the sampled RSS: the kernel does not raise it when the GC returns pages with madvise.)
        Assert.NotNull(result.Resources!.ServerCpuCores);
        Assert.True(result.Resources.ServerCpuCores >= 0);
        Assert.True(result.Resources.ServerPeakRssMib > 10);
        Assert.True(result.Resources.ServerLifetimePeakRssMib > 10);
    }

    [Theory]
    [InlineData(BenchProtocol.Grpc, "grpc UNAVAILABLE")]
    [InlineData(BenchProtocol.Http, "transport HttpRequestException")]
    public async Task An_endpoint_that_refuses_connections_is_reported_as_failed_requests_by_code(BenchProtocol protocol, string label)
    {
        // Long enough for a refused connection to come back even on a loaded machine (a request still connecting
        // when the run ends is not counted).
        using var nothing = FreePorts.Closed();
        var options = SmallRun(new Uri($"http://127.0.0.1:{nothing.Port}"), protocol) with
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
    public void A_target_rate_spaces_the_sends_evenly_and_catches_up_after_a_stall()
    {
        // 2,000 spans/s in requests of 100 spans: one request every 50 ms, on a clock the test moves.
        var clock = new ManualClock();
        var pacer = new RatePacer(2_000 / 100.0, clock);

        Assert.Equal(TimeSpan.Zero, pacer.TakeSlot());
        Assert.Equal(TimeSpan.FromMilliseconds(50), pacer.TakeSlot());
        Assert.Equal(TimeSpan.FromMilliseconds(100), pacer.TakeSlot());
        clock.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(TimeSpan.FromMilliseconds(50), pacer.TakeSlot()); // slot 3 is due at 150 ms

        // A stall (a slow server) leaves slots behind: they are due at once, so the average rate holds.
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.FromMilliseconds(200 - 1_100), pacer.TakeSlot());
    }

    [Fact]
    public async Task A_target_rate_is_reported_beside_what_was_reached()
    {
        await using var sink = await OtlpSink.StartAsync(new IPEndPoint(IPAddress.Loopback, 0));
        var options = SmallRun(new Uri($"http://{sink.GrpcEndpoint}"), BenchProtocol.Grpc) with { SpansPerSecond = 2_000 };

        var result = await new LoadGenerator(options).RunAsync("test", null, CancellationToken.None);

        // How close the rate came is the bench's measurement, not a test's: the test machine may be starved.
        Assert.Equal(2_000, result.TargetSpansPerSecond);
        Assert.Equal(0, result.FailedRequests);
        Assert.Equal(result.Requests * options.SpansPerRequest, result.AcceptedSpans);
        Assert.Equal(result.Totals.Requests, sink.Requests);
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
}
