using Google.Protobuf;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;

namespace Kubetrace.Tests.Pipeline;

public class TraceBatchSegmentsTests
{
    [Fact]
    public void A_batch_in_segments_reads_as_the_concatenated_request()
    {
        var first = OriginLabelledRequests.Request("a", 1, 2);
        var second = OriginLabelledRequests.Request("b", 2, 1);
        var firstBytes = first.ToByteArray();
        var secondBytes = second.ToByteArray();

        var batch = TraceBatch.FromEncodedSegments([firstBytes, secondBytes], 4);

        Assert.True(batch.HasEncoded);
        Assert.Equal(firstBytes.Length + secondBytes.Length, batch.EncodedSize);
        Assert.Equal(2, batch.EncodedSegments.Count); // not joined by asking for the size or the segments
        Assert.Equal([.. firstBytes, .. secondBytes], batch.Encoded.ToArray());
        var expected = new ExportTraceServiceRequest { ResourceSpans = { first.ResourceSpans, second.ResourceSpans } };
        Assert.Equal(expected, batch.Request);
    }

    [Fact]
    public void Concurrent_readers_of_a_batch_in_segments_all_see_the_same_complete_bytes()
    {
        var parts = Enumerable.Range(0, 8).Select(i => (ReadOnlyMemory<byte>)OriginLabelledRequests.Request($"s{i}", 1, 50).ToByteArray()).ToArray();
        var expected = parts.SelectMany(p => p.ToArray()).ToArray();

        for (var round = 0; round < 50; round++)
        {
            var batch = TraceBatch.FromEncodedSegments(parts, 400);
            var seen = new byte[4][];
            Parallel.For(0, seen.Length, i => seen[i] = batch.Encoded.ToArray());
            Assert.All(seen, bytes => Assert.Equal(expected, bytes));
        }
    }
}
