using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Receivers;

[Collection(RunsAloneCollection.Name)]
public class GrpcGzipBombTests
{
    [Fact]
    public async Task A_gzip_bomb_over_grpc_is_resource_exhausted_without_inflating_it()
    {
        await using var receiver = await RunningReceiver.StartAsync();
        var bomb = BadInputTests.GzipBomb.Value;
        var frame = RawGrpcCall.Frame(1, bomb);
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);

        var (status, _) = await RawGrpcCall.SendAsync(receiver, frame, gzip: true);

        Assert.Equal("8", status); // RESOURCE_EXHAUSTED
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        Assert.True(allocated < 128L * 1024 * 1024, $"{allocated / (1024 * 1024)} MiB allocated while refusing a 1 GiB gzip bomb");
        Assert.Empty(receiver.Consumer.Batches);
    }
}
