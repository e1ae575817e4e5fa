using Kubetrace.Storage;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Compaction;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit.Abstractions;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// A merge holds about one row group of each source block and one of its output at a time, however large the
/// blocks are: merging ten times more spans holds no more rows at once (counted by the merger, not timed). Reading
/// the sources whole into one head, as merges did, held every merged row (the memory limiter's overshoot in the
/// soak of issue 10). <see cref="EndToEnd.MergeUnderHeapLimitTests"/> shows the same in bytes of a capped heap.
/// </summary>
public sealed class CompactionMemoryTests(ITestOutputHelper output)
{
    private const int Blocks = 8, RowGroupSpans = 1024;

    [Fact]
    public async Task Merging_ten_times_more_spans_holds_no_more_than_a_row_group_per_block_at_once()
    {
        var small = await MergeAsync(tracesPerBlock: 200);
        var large = await MergeAsync(tracesPerBlock: 2_000);

        output.WriteLine($"{small.Spans} spans merged holding at most {small.PeakRows} rows; {large.Spans} spans: {large.PeakRows} rows");
        var bound = (Blocks + 1) * (RowGroupSpans + KubernetesTraceGenerator.SpansPerTrace);
        Assert.Equal(10 * small.Spans, large.Spans);
        Assert.True(large.Spans > 10 * bound, "the large merge must be far more than the bound");
        Assert.True(large.PeakRows <= bound, $"{large.PeakRows} rows held at once merging {large.Spans} spans (bound {bound})");
        Assert.Equal((large.Spans, large.Traces), (large.MergedSpans, large.MergedTraces));
    }

    /// <summary>Writes <see cref="Blocks"/> blocks of the benchmark shape and merges them as compaction does.</summary>
    private static async Task<(long Spans, int Traces, int PeakRows, long MergedSpans, int MergedTraces)> MergeAsync(int tracesPerBlock)
    {
        var generator = new KubernetesTraceGenerator(seed: 3, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(30));
        await using var temp = new TempStore(dir => new StoreOptions
        {
            Directory = dir, CompactionTargetSpans = 0, Rollups = [], RowGroupSpans = RowGroupSpans, MaxHeadBytes = 1L << 30,
        });
        for (var block = 0; block < Blocks; block++)
        {
            for (var batch = 0; batch < tracesPerBlock / 100; batch++) await temp.AppendAsync(generator.NextRequest(traces: 100));
            await temp.Store.FlushHeadAsync();
        }
        var cache = new RowGroupCache(RowGroupSpans);
        var sources = Directory.GetFiles(Path.Combine(temp.Directory, "blocks"), "*.ktb").Order()
            .Select(path => BlockReader.Open(path, cache, NullLogger.Instance)).ToList();
        var mergedPath = Path.Combine(temp.Directory, "merged.ktb");
        try
        {
            Assert.Equal(Blocks, sources.Count);
            var peak = BlockMerger.Merge(sources, mergedPath, RowGroupSpans, sealWith: null, CancellationToken.None);
            using var merged = BlockReader.Open(mergedPath, cache, NullLogger.Instance);
            return (sources.Sum(s => (long)s.SpanCount), sources.Sum(s => s.TraceCount), peak, merged.SpanCount, merged.TraceCount);
        }
        finally
        {
            foreach (var source in sources) source.Dispose();
        }
    }
}
