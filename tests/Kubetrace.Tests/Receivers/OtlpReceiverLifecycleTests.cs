using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;

namespace Kubetrace.Tests.Receivers;

public class OtlpReceiverLifecycleTests
{
    [Fact]
    public async Task Shutdown_stops_accepting_and_lets_in_flight_exports_finish()
    {
        var receiver = await RunningReceiver.StartAsync();
        receiver.Consumer.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = new HttpClient();
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var httpExport = http.PostAsync(receiver.TracesUrl, OtlpHttpClient.Protobuf(SampleRequests.Valid(2)));
        var grpcExport = new TraceService.TraceServiceClient(channel).ExportAsync(SampleRequests.Valid(3, seed: 50)).ResponseAsync;
        await Wait.UntilAsync(() => receiver.Consumer.Waiting == 2, "two requests wait in the consumer");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var shutdown = receiver.Receiver.ShutdownAsync(timeout.Token);
        await Wait.UntilAsync(() => !Accepts(receiver.TracesUrl), "the receiver refuses new connections");
        Assert.False(shutdown.IsCompleted, "shutdown must wait for the in-flight exports");

        receiver.Consumer.Gate.SetResult();
        using var response = await httpExport;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await grpcExport;
        await shutdown;
        Assert.Equal(5, receiver.Consumer.SpanCount);
        Assert.False(Accepts(receiver.GrpcAddress));
        await receiver.Receiver.ShutdownAsync(CancellationToken.None); // idempotent
    }

    [Fact]
    public async Task A_port_already_in_use_fails_start_with_the_endpoint_in_the_message()
    {
        using var blocker = new TcpListener(IPAddress.Loopback, 0);
        blocker.Start();
        var port = ((IPEndPoint)blocker.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<IOException>(() => RunningReceiver.StartAsync(c => c.Protocols.Grpc!.Endpoint = $"127.0.0.1:{port}"));

        Assert.Contains($"cannot listen for OTLP/gRPC on 127.0.0.1:{port}", error.Message);
    }

    private static bool Accepts(Uri address)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(address.Host, address.Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

}
