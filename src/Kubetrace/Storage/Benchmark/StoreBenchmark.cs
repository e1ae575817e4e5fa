using System.Diagnostics;
using System.Globalization;
using Kubetrace.Pipeline;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// <c>kubetrace bench store</c>: durable ingest rate, bytes per span, trace-by-ID latency and search latency of the
/// embedded store on the issue's dataset shape, in-process (no network), printed as a report. With
/// <paramref name="keys"/> the store encrypts at rest (<c>--encryption on|both</c>).
/// </summary>
internal sealed class StoreBenchmark(long spans, string directory, int clients, int batchSpans, int queries, bool profile, bool walCompression, int rowGroupSpans, bool skipScan, bool preallocate, TextWriter output,
    Encryption.StoreKeyRing? keys = null, Bench.PhaseProgress? progress = null)
{
    /// <summary>A fresh random key for a benchmark run with encryption on.</summary>
    public static Encryption.StoreKeyRing BenchmarkKeys() =>
        new([new Encryption.StoreKey("bench", System.Security.Cryptography.RandomNumberGenerator.GetBytes(Encryption.StoreKey.KeySize))]);

    /// <summary>The store's <see cref="StoreOptions.MaxBytesPerTrace"/> (0: off).</summary>
    public long MaxBytesPerTrace { get; init; }

    /// <summary>The store's <see cref="StoreOptions.IndexCacheBytes"/>.</summary>
    public long IndexCacheBytes { get; init; } = Blocks.FooterCache.DefaultBytes;

    public async Task<int> RunAsync()
    {
        var measure = new StoreMeasurements(queries, output);
        Directory.CreateDirectory(directory);
        var storeDirectory = Path.Combine(directory, "store");
        if (Directory.Exists(storeDirectory)) Directory.Delete(storeDirectory, recursive: true);
        var inputPath = Path.Combine(directory, "input.otlp");
        var now = DateTimeOffset.UtcNow;

        var watch = Stopwatch.StartNew();
        var phases = progress ?? Bench.PhaseProgress.None;
        var sample = await phases.RunAsync("generate", spans, counter => Task.Run(() => BenchmarkInput.Generate(inputPath, spans, batchSpans, now, counter: counter)));
        Line($"generated {spans:N0} spans ({new FileInfo(inputPath).Length / (double)spans:F0} B/span as OTLP protobuf) in {watch.Elapsed.TotalSeconds:F1}s (not timed)");

        if (profile) ComponentCosts.Measure(inputPath, 100, output);

        var options = new StoreOptions { Directory = storeDirectory, Retention = TimeSpan.Zero, WalCompression = walCompression, RowGroupSpans = rowGroupSpans,
            HeadCapacity = preallocate ? 500_000 : 0, Keys = keys ?? Encryption.StoreKeyRing.None, MaxBytesPerTrace = MaxBytesPerTrace,
            IndexCacheBytes = IndexCacheBytes };
        Line($"encryption at rest: {(options.Keys.Active is null ? "off" : "on (AES-256-GCM)")}; max_bytes_per_trace: {(MaxBytesPerTrace > 0 ? MaxBytesPerTrace.ToString("N0", CultureInfo.InvariantCulture) : "off")}; " +
            $"index cache: {IndexCacheBytes.ToString("N0", CultureInfo.InvariantCulture)} B");
        var store = EmbeddedTraceStore.Open(options);
        var cpu = CpuSeconds();
        var (gen0, gen2, pause) = (GC.CollectionCount(0), GC.CollectionCount(2), GC.GetTotalPauseDuration());
        var (appended, ingestSeconds) = await phases.RunAsync("ingest", spans, counter => measure.IngestAsync(store, inputPath, clients, counter));
        var ingestCpu = CpuSeconds() - cpu;
        Line($"GC during ingest: {GC.CollectionCount(0) - gen0} gen0, {GC.CollectionCount(2) - gen2} gen2 collections, " +
             $"{(GC.GetTotalPauseDuration() - pause).TotalSeconds:F2}s paused; {GC.GetTotalAllocatedBytes() / (double)appended:F0} B allocated per span (whole run)");
        Line($"ingest: {appended:N0} spans acknowledged durable in {ingestSeconds:F2}s = {appended / ingestSeconds:N0} spans/s " +
             $"({clients} clients, {batchSpans} spans/batch, WAL {(walCompression ? "brotli-0" : "raw")}); process CPU {ingestCpu:F2}s = {appended / ingestCpu:N0} spans per CPU-second");
        watch.Restart();
        cpu = CpuSeconds();
        await store.FlushHeadAsync();
        var flushCpu = CpuSeconds() - cpu;
        Line($"indexing backlog after the last ack: {watch.Elapsed.TotalSeconds:F2}s (CPU {flushCpu:F2}s) to write the remaining head as a block; " +
             $"ingest incl. all blocks written: {appended / (ingestSeconds + watch.Elapsed.TotalSeconds):N0} spans/s, " +
             $"{appended / (ingestCpu + flushCpu):N0} spans per CPU-second");

        var stats = store.GetStats();
        Line($"row groups of {rowGroupSpans} spans; head columns {(preallocate ? "preallocated" : "grown on demand")}");
        Line($"disk: {stats.BlockBytes:N0} B in {stats.Blocks} blocks = {stats.BlockBytesPerSpan:F1} B/span (blocks); WAL now {stats.WalBytes:N0} B");

        var indexRead = (store.IndexReads, store.IndexBytesRead);
        await measure.TraceByIdAsync(store, sample);
        indexRead = IndexReadLine("the trace-by-ID lookups", store, indexRead);
        await measure.SearchesAsync(store, now);
        IndexReadLine("the searches", store, indexRead);
        if (!skipScan) await measure.SearchAsync(store, "20 most recent, audit-id=<uuid> (unindexed: scans every row group), last hour", _ =>
            new FetchRequest(TimeRange.Last(TimeSpan.FromHours(1), now),
                [Condition.Attribute("audit-id", "00000000-0000-4000-8000-000000000000", AttributeScope.Span)]), runs: 3);
        Line($"load average (1/5/15 min): {StoreMeasurements.LoadAverage()}");
        Line($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1 << 20):N0} MiB");

        await store.DisposeAsync();
        watch.Restart();
        store = EmbeddedTraceStore.Open(options);
        Line($"reopen (block footers + WAL replay): {watch.Elapsed.TotalMilliseconds:F0} ms");
        await measure.TraceByIdAsync(store, sample);
        await store.DisposeAsync();
        return 0;
    }

    /// <summary>What queries read of the block indexes (footers) from disk since <paramref name="since"/>: past the
    /// index cache, the price of each query.</summary>
    private (long Reads, long Bytes) IndexReadLine(string what, EmbeddedTraceStore store, (long Reads, long Bytes) since)
    {
        var now = (store.IndexReads, store.IndexBytesRead);
        Line($"block index read from disk by {what}: {now.IndexReads - since.Reads:N0} reads, {(now.IndexBytesRead - since.Bytes) / (double)(1 << 20):N1} MiB");
        return now;
    }

    private static double CpuSeconds() => Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds;

    private void Line(string text) => output.WriteLine(text);
}
