using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Benchmark;

/// <summary>
/// Single-threaded cost of each step of the ingest path on the benchmark input, in CPU time per span: what the
/// design decisions in docs/storage.md (WAL of raw OTLP, compression or not) were measured with.
/// </summary>
internal static class ComponentCosts
{
    public static void Measure(string inputPath, int maxBatches, TextWriter output)
    {
        var batches = new List<byte[]>();
        using (var file = File.OpenRead(inputPath))
        {
            var header = new byte[8];
            while (batches.Count < maxBatches && file.Read(header) == 8)
            {
                var bytes = new byte[BinaryPrimitives.ReadInt32LittleEndian(header)];
                file.ReadExactly(bytes);
                batches.Add(bytes);
            }
        }
        var totalBytes = batches.Sum(b => (long)b.Length);
        var requests = batches.Select(b => ExportTraceServiceRequest.Parser.ParseFrom(b)).ToList();
        var spans = requests.Sum(Kubetrace.Pipeline.TraceBatch.CountSpans);

        void Report(string step, Action action, long? outputBytes = null)
        {
            action(); // warm up
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var watch = Stopwatch.StartNew();
            action();
            var seconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            allocated = GC.GetTotalAllocatedBytes(precise: true) - allocated;
            var ratio = outputBytes is { } o ? $", {totalBytes / (double)o:F1}x → {o / (double)spans:F0} B/span" : "";
            output.WriteLine($"  {step,-34} {seconds * 1e6 / spans,6:F2} µs/span CPU ({watch.Elapsed.TotalSeconds * 1e6 / spans:F2} µs wall, {allocated / (double)spans:F0} B/span allocated){ratio}");
        }

        output.WriteLine($"component costs over {spans:N0} spans ({totalBytes / (double)spans:F0} B/span OTLP):");
        Report("protobuf parse (Google.Protobuf)", () => { foreach (var b in batches) ExportTraceServiceRequest.Parser.ParseFrom(b); });
        Report("head append from OTLP bytes (wire scan)", () =>
        {
            var head = new HeadBlock(1);
            foreach (var b in batches) head.Append(b);
        });
        var blockPath = Path.Combine(Path.GetDirectoryName(inputPath)!, "profile-block.ktb");
        var frozen = new HeadBlock(1);
        foreach (var b in batches) frozen.Append(b);
        Report("block write (sort, index, zstd-3)", () => Blocks.BlockWriter.Write(frozen, blockPath, 1024));
        output.WriteLine($"  (block: {new FileInfo(blockPath).Length / (double)spans:F1} B/span for {spans:N0} spans)");
        File.Delete(blockPath);
        Report("CRC-32C", () => { foreach (var b in batches) Crc32C.Compute(b); });
        long zstd1 = 0, zstd3 = 0, brotli0 = 0, brotli = 0, deflate = 0;
        Report("zstd level 1", () => { zstd1 = 0; using var c = new ZstdSharp.Compressor(1); foreach (var b in batches) zstd1 += c.Wrap(b).Length; });
        Report("zstd level 1 (ratio)", () => { }, zstd1);
        Report("zstd level 3", () => { zstd3 = 0; using var c = new ZstdSharp.Compressor(3); foreach (var b in batches) zstd3 += c.Wrap(b).Length; });
        Report("zstd level 3 (ratio)", () => { }, zstd3);
        Report("brotli quality 0 (the WAL's)", () =>
        {
            brotli0 = 0;
            foreach (var b in batches)
            {
                var (_, payload, rented) = WalCodec.Encode(b, compress: true);
                brotli0 += payload.Length;
                if (rented is not null) WalCodec.Return(rented);
            }
        });
        Report("brotli quality 0 (ratio)", () => { }, brotli0);
        Report("brotli quality 1", () =>
        {
            brotli = 0;
            foreach (var b in batches)
            {
                var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(b.Length)];
                BrotliEncoder.TryCompress(b, buffer, out var written, 1, 22);
                brotli += written;
            }
        });
        Report("brotli quality 1 (ratio)", () => { }, brotli);
        Report("deflate fastest", () =>
        {
            deflate = 0;
            foreach (var b in batches)
            {
                var memory = new MemoryStream();
                using (var z = new ZLibStream(memory, CompressionLevel.Fastest, leaveOpen: true)) z.Write(b);
                deflate += memory.Length;
            }
        });
        Report("deflate fastest (ratio)", () => { }, deflate);
    }
}
