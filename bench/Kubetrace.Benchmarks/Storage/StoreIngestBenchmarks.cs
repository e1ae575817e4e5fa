using BenchmarkDotNet.Attributes;
using Google.Protobuf;
using Kubetrace.Storage.Benchmark;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Benchmarks.Storage;

/// <summary>
/// The embedded store's ingest steps in isolation, on the dataset shape (1000-span requests of the store
/// benchmark's generator): the head append from OTLP bytes, the WAL codec on the caller's thread, and writing a
/// frozen head as a block (sort, postings, row group encoding, zstd, footer). One operation = all <see cref="Spans"/>.
/// </summary>
[MemoryDiagnoser]
public class StoreIngestBenchmarks
{
    private List<byte[]> _requests = [];
    private HeadBlock _frozen = null!;
    private string _blockPath = "";

    /// <summary>Spans per operation (a head is cut at 500k by default).</summary>
    [Params(100_000)]
    public int Spans { get; set; } = 100_000;

    [GlobalSetup]
    public void Setup()
    {
        var generator = new KubernetesTraceGenerator(42, DateTimeOffset.UtcNow, TimeSpan.FromHours(2));
        _requests = [];
        while (generator.SpansGenerated < Spans) _requests.Add(generator.NextRequest(100).ToByteArray());
        _frozen = NewHead();
        _blockPath = Path.Combine(Path.GetTempPath(), $"kubetrace-bench-block-{Environment.ProcessId}.ktb");
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_blockPath);

    [Benchmark]
    public int HeadAppend() => NewHead().SpanCount;

    private HeadBlock NewHead()
    {
        var head = new HeadBlock(1, Spans + 1024);
        foreach (var request in _requests) head.Append(request);
        return head;
    }

    [Benchmark]
    public long BlockWrite()
    {
        BlockWriter.Write(_frozen, _blockPath, 1024);
        return new FileInfo(_blockPath).Length;
    }

    [Benchmark]
    public long WalBrotli() => WalEncode(compress: true);

    [Benchmark]
    public long WalLz4()
    {
        long bytes = 0;
        var buffer = new byte[1 << 22];
        foreach (var request in _requests) bytes += K4os.Compression.LZ4.LZ4Codec.Encode(request, buffer, K4os.Compression.LZ4.LZ4Level.L00_FAST);
        return bytes;
    }

    [Benchmark]
    public long WalBrotli0()
    {
        long bytes = 0;
        var buffer = new byte[1 << 22];
        foreach (var request in _requests)
        {
            System.IO.Compression.BrotliEncoder.TryCompress(request, buffer, out var written, 0, 22);
            bytes += written;
        }
        return bytes;
    }

    public long RawBytes => _requests.Sum(r => (long)r.Length);

    /// <summary>Where <see cref="BlockWrite"/> writes its block.</summary>
    public string BlockPath => _blockPath;

    /// <summary>The WAL records' payloads, as the WAL writes them (Brotli), copied.</summary>
    public List<byte[]> WalPayloads()
    {
        var payloads = new List<byte[]>(_requests.Count);
        WalEncode(compress: true, payload => payloads.Add(payload.ToArray()));
        return payloads;
    }

    private long WalEncode(bool compress, Action<ReadOnlyMemory<byte>>? keep = null)
    {
        long bytes = 0;
        foreach (var request in _requests)
        {
            var (_, payload, rented) = WalCodec.Encode(request, compress);
            bytes += payload.Length;
            keep?.Invoke(payload);
            if (rented is not null) System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
        return bytes;
    }
}
