using Google.Protobuf;
using Xunit.Abstractions;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Receivers;

/// <summary>
/// gzip-compressed OTLP/gRPC messages, as the Collector's otlp exporter sends them by default: decompressed once, into
/// the array the batch keeps, and refused before any byte is inflated when the gzip trailer says they are too large.
/// </summary>
[Collection(RunsAloneCollection.Name)] // measures the process's allocations
public sealed class GzipGrpcMessageTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("one member, a few spans", 3, 1)]
    [InlineData("one member of over 1 MiB", 15000, 1)]
    [InlineData("three members (RFC 1952 allows a series)", 300, 3)]
    public async Task A_gzip_message_arrives_byte_for_byte(string what, int spans, int members)
    {
        _ = what;
        await using var receiver = await RunningReceiver.StartAsync();
        var message = SampleRequests.Valid(spans).ToByteArray();

        var (status, detail) = await RawGrpcCall.SendAsync(receiver, RawGrpcCall.Frame(1, GzipMembers(message, members)), gzip: true);

        Assert.Equal(("0", ""), (status, detail));
        var batch = Assert.Single(receiver.Consumer.Batches);
        Assert.Equal(spans, batch.SpanCount);
        Assert.Equal(message, batch.Encoded.ToArray());
    }

    [Fact]
    public async Task A_gzip_message_stating_more_than_max_recv_msg_size_is_refused_as_grpc_go_refuses_it()
    {
        await using var receiver = await RunningReceiver.StartAsync(config => config.Protocols.Grpc!.MaxRecvMsgSizeMib = 1);
        var message = SampleRequests.Valid(15000).ToByteArray();
        Assert.True(message.Length > 1024 * 1024, "the message decompresses past the limit");

        var (status, detail) = await RawGrpcCall.SendAsync(receiver, RawGrpcCall.Frame(1, RawGrpcCall.Gzip(message)), gzip: true);

        Assert.Equal("8", status); // RESOURCE_EXHAUSTED, rpc_util.go recvAndDecompress
        Assert.Equal("grpc: received message after decompression larger than max 1048576", detail);
        Assert.Empty(receiver.Consumer.Batches);
        Assert.Equal(0, receiver.Receiver.InFlight!.InUse);
    }

    /// <summary>
    /// What receiving costs: the batch's own array and little more. ASP.NET Core's gRPC decompressed into a
    /// MemoryStream growing by doubling and the marshaller copied it out again: about four times the message.
    /// </summary>
    [Fact]
    public async Task A_gzip_message_is_decompressed_into_one_array_the_batch_keeps()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var message = SampleRequests.Valid(10000).ToByteArray();
        var frame = RawGrpcCall.Frame(1, RawGrpcCall.Gzip(message));
        for (var i = 0; i < 3; i++) await RawGrpcCall.SendAsync(receiver, frame, gzip: true); // pools and JIT warmed up
        const int requests = 20;

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < requests; i++) Assert.Equal("0", (await RawGrpcCall.SendAsync(receiver, frame, gzip: true)).Status);
        var perRequest = (GC.GetTotalAllocatedBytes(precise: true) - before) / requests;
        output.WriteLine($"{perRequest:N0} bytes allocated per request of {message.Length:N0} bytes decompressed");

        Assert.True(perRequest < message.Length * 3 / 2,
            $"{perRequest:N0} bytes allocated per request of {message.Length:N0} bytes decompressed ({(double)perRequest / message.Length:F2}x)");
    }

    /// <summary>The message cut into <paramref name="members"/> parts, each gzipped on its own, one after another.</summary>
    private static byte[] GzipMembers(byte[] message, int members)
    {
        var part = (message.Length + members - 1) / members;
        return [.. message.Chunk(part).SelectMany(RawGrpcCall.Gzip)];
    }
}
