using BenchmarkDotNet.Attributes;
using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Benchmarks.Storage;

/// <summary>
/// What the store's CRC-32C checksums (issue 10 item 4) cost beside the work they guard, on the store benchmark's
/// 100k spans: every WAL record's checksum (<see cref="WalFrame.Checksum"/> over its compressed payload) beside the
/// WAL encode; every compressed column chunk's checksum (computed once as a block is written, verified on every read
/// of a row group) beside writing the block and beside reading and decoding all of its row groups.
/// </summary>
[MemoryDiagnoser]
public class ChecksumBenchmarks
{
    private readonly StoreIngestBenchmarks _ingest = new();
    private List<byte[]> _walPayloads = [];
    private BlockReader _block = null!;
    private byte[][] _rowGroups = [];
    private string _readPath = "";

    [GlobalSetup]
    public void Setup()
    {
        _ingest.Setup();
        _walPayloads = _ingest.WalPayloads();
        _ingest.BlockWrite();
        // A copy to read, so that BlockWrite can write its file again while this one is open.
        _readPath = _ingest.BlockPath + ".read";
        File.Copy(_ingest.BlockPath, _readPath, overwrite: true);
        _block = BlockReader.Open(_readPath, new RowGroupCache(0), NullLogger.Instance);
        _rowGroups = _block.Footer.RowGroups.Select((info, group) =>
        {
            var bytes = new byte[checked((int)info.Length)];
            _block.ReadRowGroup(group, bytes);
            return bytes;
        }).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _block.Dispose();
        File.Delete(_readPath);
        _ingest.Cleanup();
    }

    [Benchmark]
    public long WalEncode() => _ingest.WalBrotli();

    [Benchmark]
    public uint WalChecksums()
    {
        uint all = 0;
        foreach (var payload in _walPayloads) all ^= WalFrame.Checksum(WalCodec.Brotli, payload);
        return all;
    }

    [Benchmark]
    public long BlockWrite() => _ingest.BlockWrite();

    [Benchmark]
    public int BlockReadAll()
    {
        var spans = 0;
        for (var group = 0; group < _rowGroups.Length; group++) spans += _block.DecodeUncached(group)!.Count;
        return spans;
    }

    /// <summary>The chunk checksums alone: what a block write computes and what every row group read verifies.</summary>
    [Benchmark]
    public int BlockChecksums()
    {
        var footer = _block.Footer;
        for (var group = 0; group < _rowGroups.Length; group++) ChunkChecksums.VerifyGroup(footer.RowGroups[group], group, _rowGroups[group]);
        return _rowGroups.Length;
    }

    public long WalBytes => _walPayloads.Sum(p => (long)p.Length);

    public long BlockBytes => _rowGroups.Sum(g => (long)g.Length);
}
