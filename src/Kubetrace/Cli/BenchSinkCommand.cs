using System.CommandLine;
using Kubetrace.Bench;
using Kubetrace.Bench.Sink;

namespace Kubetrace.Cli;

/// <summary><c>kubetrace bench sink</c>: runs the bare OTLP endpoint (the ceiling) until stopped.</summary>
public static class BenchSinkCommand
{
    public static Command Create()
    {
        var endpoint = new Option<string>("--endpoint", "--grpc-endpoint")
        {
            Description = "OTLP/gRPC address to listen on, host:port (cleartext HTTP/2)",
            DefaultValueFactory = _ => "127.0.0.1:4327",
        };
        var httpEndpoint = new Option<string>("--http-endpoint")
        {
            Description = "OTLP/HTTP address to listen on, host:port (HTTP/1.1, POST /v1/traces)",
            DefaultValueFactory = _ => "127.0.0.1:4328",
        };
        var command = new Command("sink", "Listen as an OTLP endpoint that reads each request body and answers OK without decoding: the machine's ceiling")
        {
            endpoint,
            httpEndpoint,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (!BenchEndpoint.TryParseListen(parse.GetValue(endpoint)!, out var grpcAddress, out var error) ||
                !BenchEndpoint.TryParseListen(parse.GetValue(httpEndpoint)!, out var httpAddress, out error))
            {
                Console.Error.WriteLine($"kubetrace bench sink: {error}");
                return ExitCodes.Usage;
            }
            await using var sink = await OtlpSink.StartAsync(grpcAddress, httpAddress, cancellationToken);
            Console.WriteLine($"sink listening: OTLP/gRPC on {sink.GrpcEndpoint}, OTLP/HTTP on {sink.HttpEndpoint}; Ctrl+C to stop");
            await ReportUntilStoppedAsync(sink, cancellationToken);
            Console.WriteLine($"sink received {sink.Requests:N0} requests, {sink.Bytes / 1048576.0:N1} MiB");
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>A line every 5 s while requests arrive, so the sink shows what it is receiving.</summary>
    private static async Task ReportUntilStoppedAsync(OtlpSink sink, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(5));
        long lastRequests = 0, lastBytes = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var (requests, bytes) = (sink.Requests, sink.Bytes);
                if (requests != lastRequests)
                    Console.WriteLine($"{(requests - lastRequests) / 5.0,10:N1} requests/s {(bytes - lastBytes) / 5.0 / 1048576,8:N1} MiB/s");
                (lastRequests, lastBytes) = (requests, bytes);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
