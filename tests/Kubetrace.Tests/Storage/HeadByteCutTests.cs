using Google.Protobuf;
using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// The head is bounded in bytes, not only in spans: it is cut into a block once the OTLP bytes appended to it reach
/// <c>max_head_bytes</c>, so a few large spans cannot fill memory long before the span count is reached.
/// </summary>
public class HeadByteCutTests
{
    [Fact]
    public async Task A_head_holding_max_head_bytes_of_spans_becomes_a_block_long_before_its_span_count()
    {
        var bigSpan = Request(Resource("apiserver", Span(1, 1, 0, "LIST /api/v1/pods " + new string('x', 3000), 0, 10)));
        var size = bigSpan.CalculateSize();
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, Retention = TimeSpan.Zero, MaxHeadSpans = 1_000_000, MaxHeadBytes = 3 * size,
        });

        await temp.AppendAsync(bigSpan);
        await temp.AppendAsync(Request(Resource("apiserver", Span(2, 1, 0, "LIST /api/v1/pods " + new string('y', 3000), 0, 10))));
        Assert.Equal(0, temp.Store.GetStats().Blocks);
        await temp.AppendAsync(Request(Resource("apiserver", Span(3, 1, 0, "LIST /api/v1/pods " + new string('z', 3000), 0, 10))));

        await Wait.UntilAsync(() => temp.Store.GetStats().Blocks == 1, "the head of three 3 KB spans (max_head_bytes) is written as a block");
        Assert.Equal((3, 0), (temp.Store.GetStats().BlockSpans, temp.Store.GetStats().HeadSpans));
    }
}
