using Kubetrace.Bench.Workload;
using Kubetrace.Pipeline;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Writes blocks as the soak of issue 10 makes them under pressure: small ones, of the soak client's requests (16
/// distinct 500-span requests of 15 attributes per span, each sent with fresh trace IDs and times), so that the
/// memory tests measure what the soak's store keeps.
/// </summary>
internal sealed class SoakBlocks(EmbeddedTraceStore store, int requestsPerBlock)
{
    public const int SpansPerRequest = 500;
    private readonly RequestBody[] _bodies = new RequestPool(distinctRequests: 16, SpansPerRequest, attributesPerSpan: 15).CopiesFor(0, 16);
    private ulong _sequence;

    /// <summary>The store the memory tests use: no compaction, rollups or retention, and a head cut only when asked.</summary>
    public static TempStore NewStore() => new(dir => new StoreOptions
    {
        Directory = dir, CompactionTargetSpans = 0, Rollups = [], Retention = TimeSpan.Zero, MaxHeadBytes = 1L << 30,
    });

    public async Task WriteAsync(int blocks)
    {
        for (var block = 0; block < blocks; block++)
        {
            for (var request = 0; request < requestsPerBlock; request++)
            {
                var body = _bodies[_sequence % (ulong)_bodies.Length];
                body.Refresh(++_sequence * 0x9E3779B97F4A7C15, UnixNanos.Now());
                await store.AppendAsync(TraceBatch.FromEncoded(body.Bytes.ToArray(), body.SpanCount), CancellationToken.None);
            }
            await store.FlushHeadAsync();
        }
    }
}
