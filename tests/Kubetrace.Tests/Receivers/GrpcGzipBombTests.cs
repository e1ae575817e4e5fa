using Kubetrace.Tests.TestSupport;
using System.Buffers.Binary;
using System.Net;

namespace Kubetrace.Tests.Receivers;

[Collection(RunsAloneCollection.Name)]
public class GrpcGzipBombTests
{
    [Fact]
    public async Task A_gzip_bomb_over_grpc_is_resource_exhausted_without_inflating_it()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var bomb = BadInputTests.GzipBomb.Value;
        var frame = new byte[5 + bomb.Length];
        frame[0] = 1; // compressed
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)bomb.Length);
        bomb.CopyTo(frame, 5);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(receiver.GrpcAddress, "/opentelemetry.proto.collector.trace.v1.TraceService/Export"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        request.Content.Headers.ContentType = new("application/grpc");
        request.Headers.Add("grpc-encoding", "gzip");
        request.Headers.TE.Add(new("trailers"));
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        using var response = await http.SendAsync(request);
        await response.Content.ReadAsByteArrayAsync();

        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) ? values.Single() : response.Headers.GetValues("grpc-status").Single();
        Assert.Equal("8", status); // RESOURCE_EXHAUSTED
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 128L * 1024 * 1024, $"{allocated / (1024 * 1024)} MiB allocated while refusing a 1 GiB gzip bomb");
        Assert.Empty(receiver.Consumer.Batches);
    }
}
