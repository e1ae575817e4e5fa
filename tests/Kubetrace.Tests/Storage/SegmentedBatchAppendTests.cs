using Kubetrace.Bench.Workload;
using Kubetrace.Pipeline;
using Kubetrace.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A batch the batch processor merged from several requests arrives in segments, one per request; the stores take
/// them one by one and never join them into one array (an 8,192-span batch joined is ~5 MB on the large object heap,
/// which held 80 MB under memory_limiter in the 2R soak). Every span is stored, with or without max_bytes_per_trace:
/// the embedded store appends segment by segment, ClickHouse encodes every segment's rows into one INSERT.
/// </summary>
public sealed class SegmentedBatchAppendTests
{
    private const int Requests = 3, SpansPerRequest = 2000;

    [Theory]
    [InlineData(0L)]
    [InlineData(5_000_000L)]
    public async Task A_batch_in_segments_is_appended_without_being_joined_and_every_span_is_stored(long maxBytesPerTrace)
    {
        // Raw WAL records: the record is the request's own bytes, so joining would be the only large allocation.
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, WalCompression = false, MaxBytesPerTrace = maxBytesPerTrace, Rollups = [], CompactionTargetSpans = 0,
        });
        await AppendsWithoutJoiningAsync(temp.Store);
    }

    [RequiresClickHouseTheory]
    [InlineData(0L)]
    [InlineData(5_000_000L)]
    public async Task A_batch_in_segments_is_inserted_into_ClickHouse_without_being_joined_and_every_span_is_stored(long maxBytesPerTrace)
    {
        await using var temp = new ClickHouseTempStore(ClickHouseTestServer.NewOptions() with { MaxBytesPerTrace = maxBytesPerTrace });
        await AppendsWithoutJoiningAsync(temp.Store);
    }

    private static async Task AppendsWithoutJoiningAsync(ITraceStore store)
    {
        var bodies = new RequestPool(distinctRequests: 16, SpansPerRequest, attributesPerSpan: 15).CopiesFor(0, 16);
        var sequence = 0UL;
        TraceBatch Merged()
        {
            var segments = new ReadOnlyMemory<byte>[Requests];
            for (var i = 0; i < Requests; i++)
            {
                var body = bodies[sequence % (ulong)bodies.Length];
                body.Refresh(++sequence * 0x9E3779B97F4A7C15, UnixNanos.Now());
                segments[i] = body.Bytes.ToArray();
            }
            return TraceBatch.FromEncodedSegments(segments, Requests * SpansPerRequest);
        }
        await store.AppendAsync(Merged(), CancellationToken.None); // warm: code compiled, buffers made
        var batch = Merged();
        var bytes = batch.EncodedSize;

        var before = GC.GetAllocatedBytesForCurrentThread();
        var append = store.AppendAsync(batch, CancellationToken.None); // taken on this thread, written asynchronously
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        await append;

        Assert.True(allocated < bytes / 4, $"appending a {bytes}-byte batch of {Requests} segments allocated {allocated} bytes: it was joined");
        Assert.Equal(2L * Requests * SpansPerRequest, store.GetStats().Spans);
    }
}
