using System.Diagnostics;
using Kubetrace.Benchmarks.Otlp.Wire;
using Kubetrace.Benchmarks.Processors.Batch;
using Kubetrace.Benchmarks.Storage;

namespace Kubetrace.Benchmarks;

/// <summary>
/// <c>cpu scan|batch|decode|redaction|tail|head|block|wal|sim-head|sim-head-links|wal-encode|wal-crc|block-write|block-read|block-crc|ch-decode|ch-encode [operations]</c>: the process's CPU time per operation (every thread, the GC's included) for
/// one benchmark, beside wall time and the collections it caused. On a shared machine CPU time moves far less than
/// BenchmarkDotNet's wall-clock figures, because time spent waiting for a core is not counted.
/// </summary>
internal static class CpuTimePerOperation
{
    public static void Run(string[] args)
    {
        var which = args.Length > 1 ? args[1] : "batch";
        var operations = args.Length > 2 ? int.Parse(args[2]) : 3000;
        var spansPerOperation = 0;
        Func<int> operation = which switch
        {
            "scan" => Scan(),
            "batch" => ReceiveAndBatch(),
            "decode" or "redaction" or "tail" => Processor(which),
            "head" or "block" or "wal" or "lz4" or "brotli0" => Store(which, out spansPerOperation),
            "sim-head" or "sim-head-links" => SimulatedHead(which, out spansPerOperation),
            "wal-encode" or "wal-crc" or "block-write" or "block-read" or "block-crc" => Checksums(which, out spansPerOperation),
            "ch-decode" or "ch-encode" => ClickHouseEncode(which, out spansPerOperation),
            _ => throw new ArgumentException($"unknown benchmark '{which}' (scan, batch, decode, redaction, tail, head, block, wal, sim-head, sim-head-links, " +
                "wal-encode, wal-crc, block-write, block-read, block-crc, ch-decode, ch-encode)"),
        };
        for (var i = 0; i < operations / 5; i++) operation(); // warm-up: tiered compilation reaches its final code

        var process = Process.GetCurrentProcess();
        var (gen0, gen2) = (GC.CollectionCount(0), GC.CollectionCount(2));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++) operation();
        process.Refresh();
        var cpu = process.TotalProcessorTime - cpuBefore;
        Console.WriteLine($"{which}: {cpu.TotalMicroseconds / operations:F0} us CPU/op, {wall.Elapsed.TotalMicroseconds / operations:F0} us wall/op, " +
            $"gen0 {GC.CollectionCount(0) - gen0}, gen2 {GC.CollectionCount(2) - gen2} per {operations} ops, " +
            $"{(GC.GetTotalAllocatedBytes(precise: true) - allocated) / operations:N0} B allocated/op" +
            (spansPerOperation > 0 ? $"; {cpu.TotalMicroseconds / operations / spansPerOperation:F3} us CPU/span" : ""));
    }

    /// <summary>The store's ingest steps, one operation over 100k spans of the store benchmark's shape.</summary>
    private static Func<int> Store(string which, out int spans)
    {
        var benchmark = new StoreIngestBenchmarks();
        benchmark.Setup();
        spans = benchmark.Spans;
        return which switch
        {
            "head" => benchmark.HeadAppend,
            "block" => () => { Console.Error.WriteLine($"block {benchmark.BlockWrite() / (double)benchmark.Spans:F1} B/span"); return 0; },
            "lz4" => () => { Console.Error.WriteLine($"ratio {benchmark.RawBytes / (double)benchmark.WalLz4():F2}"); return 0; },
            "brotli0" => () => { Console.Error.WriteLine($"ratio {benchmark.RawBytes / (double)benchmark.WalBrotli0():F2}"); return 0; },
            _ => () => { Console.Error.WriteLine($"ratio {benchmark.RawBytes / (double)benchmark.WalBrotli():F2}"); return 0; },
        };
    }

    /// <summary>The store's checksums beside the work they guard (<see cref="ChecksumBenchmarks"/>), 100k spans an operation.</summary>
    private static Func<int> Checksums(string which, out int spans)
    {
        var benchmark = new ChecksumBenchmarks();
        benchmark.Setup();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => benchmark.Cleanup();
        spans = 100_000;
        Console.Error.WriteLine($"WAL payloads {benchmark.WalBytes / 1024} KiB, block row groups {benchmark.BlockBytes / 1024} KiB");
        return which switch
        {
            "wal-encode" => () => (int)benchmark.WalEncode(),
            "wal-crc" => () => (int)benchmark.WalChecksums(),
            "block-write" => () => (int)benchmark.BlockWrite(),
            "block-read" => benchmark.BlockReadAll,
            _ => benchmark.BlockChecksums,
        };
    }

    /// <summary>The ClickHouse store's RowBinary encoding of 100k spans (<see cref="Storage.ClickHouse.SpanRowEncoderBenchmarks"/>), or the decode alone.</summary>
    private static Func<int> ClickHouseEncode(string which, out int spans)
    {
        var benchmark = new Storage.ClickHouse.SpanRowEncoderBenchmarks();
        benchmark.Setup();
        spans = benchmark.Spans;
        return which == "ch-decode" ? benchmark.Decode : benchmark.Encode;
    }

    /// <summary>The head append on simulated cluster traffic, whole or only its link indexing.</summary>
    private static Func<int> SimulatedHead(string which, out int spans)
    {
        var benchmark = new Storage.Head.HeadLinkBenchmarks();
        benchmark.Setup();
        spans = benchmark.SpanCount;
        Console.Error.WriteLine($"{benchmark.LinkCount} links in {benchmark.SpanCount} simulated spans");
        return which == "sim-head" ? benchmark.HeadAppend : benchmark.LinkIndex;
    }

    /// <summary>A default-shaped processor on one received request of 500 spans (or the object decode alone).</summary>
    private static Func<int> Processor(string which)
    {
        var benchmark = new Processors.Costs.ProcessorCostBenchmarks();
        benchmark.Setup();
        return which switch
        {
            "decode" => benchmark.Decode,
            "redaction" => benchmark.Redaction,
            _ => benchmark.TailSampling,
        };
    }

    private static Func<int> Scan()
    {
        var benchmark = new TraceRequestScannerBenchmarks { Spans = 500 };
        benchmark.Setup();
        return benchmark.Scan;
    }

    private static Func<int> ReceiveAndBatch()
    {
        var benchmark = new BatchShardBenchmarks();
        benchmark.Setup();
        return benchmark.ReceiveAndBatch;
    }
}
