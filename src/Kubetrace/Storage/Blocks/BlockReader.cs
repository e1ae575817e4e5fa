using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// An open block: its footer in memory, its row groups read with positional reads on demand (through a shared
/// cache). Immutable, so any number of queries read it concurrently.
/// </summary>
internal sealed partial class BlockReader : ITracePart, IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly RowGroupCache _cache;
    private readonly ILogger _logger;
    /// <summary>Per row group, 1 once it was found damaged: quarantined, never read again by this process.</summary>
    private readonly int[] _damaged;
    private int _damagedCount;

    private BlockReader(string path, SafeFileHandle file, long fileSize, BlockFooter footer, RowGroupCache cache, ILogger logger, StoreKey? key)
    {
        Path = path;
        Key = key;
        _file = file;
        FileSize = fileSize;
        Footer = footer;
        _cache = cache;
        _logger = logger;
        _damaged = new int[footer.RowGroups.Length];
    }

    public string Path { get; }

    /// <summary>The key that sealed the block; null: a plaintext block.</summary>
    public StoreKey? Key { get; }
    public long FileSize { get; }
    public BlockFooter Footer { get; }
    public int SpanCount => Footer.SpanCount;
    public int TraceCount => Footer.Traces.Count;
    public long LastSegment => Footer.LastSegment;
    public ulong MinStart => Footer.MinStart;
    public ulong MaxEnd => Footer.MaxEnd;

    /// <summary>Row groups found damaged (checksum mismatch or undecodable) and quarantined so far.</summary>
    public int DamagedGroups => Volatile.Read(ref _damagedCount);

    /// <summary>Opens a block, checking its trailer and footer checksum; throws <see cref="InvalidDataException"/> if damaged.</summary>
    /// <param name="keys">Opens a sealed block (none given: only plaintext blocks open).</param>
    /// <exception cref="StoreKeyException">The block is sealed with a key not listed, or a wrong one.</exception>
    public static BlockReader Open(string path, RowGroupCache cache, ILogger logger, StoreKeyRing? keys = null)
    {
        var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            var size = RandomAccess.GetLength(file);
            if (size < BlockWriter.Magic.Length + BlockWriter.TrailerSize) throw new InvalidDataException("file too short");
            var trailer = ReadAt(file, size - BlockWriter.TrailerSize, BlockWriter.TrailerSize);
            var sealedBlock = trailer.AsSpan(12).SequenceEqual(BlockSealing.Magic);
            if (!sealedBlock && !trailer.AsSpan(12).SequenceEqual(BlockWriter.Magic)) throw new InvalidDataException("bad trailer magic");
            var reader = new ByteReader(trailer);
            var storedLength = reader.ReadFixed32();
            var rawLength = reader.ReadFixed32();
            var crc = reader.ReadFixed32();
            StoreKey? key = null;
            var dataStart = BlockWriter.Magic.Length;
            if (sealedBlock)
                (key, dataStart) = BlockSealing.ReadHeader(ReadAt(file, 0, (int)Math.Min(BlockSealing.MaxHeaderSize, size)),
                    keys ?? StoreKeyRing.None, $"block {System.IO.Path.GetFileName(path)}");
            var footerOffset = size - BlockWriter.TrailerSize - storedLength;
            if (footerOffset < dataStart || sealedBlock && storedLength < StoreKey.Overhead) throw new InvalidDataException("bad footer length");
            var stored = ReadAt(file, footerOffset, (int)storedLength);
            if (Crc32C.Compute(stored) != crc) throw new InvalidDataException("footer checksum mismatch");
            var compressed = stored.AsSpan();
            if (key is not null)
            {
                compressed = compressed[StoreKey.Overhead..];
                BlockSealing.Open(key, stored.AsSpan(0, StoreKey.Overhead), compressed, -1);
            }
            var footer = BlockFooter.Read(new ByteReader(Codec.Decompress(compressed, (int)rawLength)));
            return new BlockReader(path, file, size, footer, cache, logger, key);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>The decoded rows of a row group, or null when the group cannot be read (logged once).</summary>
    public SpanTable? LoadGroup(int group) => Guarded(group, () => _cache.GetOrAdd(this, group, () => Decode(group)));

    /// <summary>Like <see cref="LoadGroup"/> without touching the cache (for scans).</summary>
    public SpanTable? DecodeUncached(int group) => Guarded(group, () => Decode(group));

    /// <summary>The compressed columns of a row group, read into <paramref name="destination"/> (its exact
    /// length), bypassing the cache: span scans decode only the columns they need, into buffers of their own.</summary>
    /// <exception cref="InvalidDataException">A chunk fails its checksum.</exception>
    public void ReadRowGroup(int group, Span<byte> destination)
    {
        var info = Footer.RowGroups[group];
        if (Key is null) ReadInto(_file, info.Offset, destination);
        else
        {
            Span<byte> nonceAndTag = stackalloc byte[StoreKey.Overhead];
            ReadInto(_file, info.Offset, nonceAndTag);
            ReadInto(_file, info.Offset + StoreKey.Overhead, destination);
            BlockSealing.Open(Key, nonceAndTag, destination, group);
        }
        ChunkChecksums.VerifyGroup(info, group, destination);
    }

    /// <summary>Reads, checks and decodes a row group, throwing on damage (<c>kubetrace store check</c>).</summary>
    /// <exception cref="InvalidDataException">A chunk fails its checksum or does not decode.</exception>
    internal SpanTable Decode(int group)
    {
        var info = Footer.RowGroups[group];
        var bytes = new byte[checked((int)info.Length)];
        ReadRowGroup(group, bytes);
        return RowGroupDecoder.Decode(Footer, info, bytes);
    }

    private SpanTable? Guarded(int group, Func<SpanTable> load)
    {
        SpanTable? table = null;
        return TryRead(group, () => table = load()) ? table : null;
    }

    /// <summary>
    /// Runs a read of a row group; false when the group cannot be read. A damaged group (a chunk failing its
    /// checksum, or bytes that do not decode) is reported once and quarantined: never read, never served again
    /// (<see cref="DamagedGroups"/>); the block's other groups go on serving. An I/O error or a block closed
    /// meanwhile only skips the group this time.
    /// </summary>
    public bool TryRead(int group, Action read)
    {
        if (Volatile.Read(ref _damaged[group]) != 0) return false;
        try
        {
            read();
            return true;
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or KeyNotFoundException or IndexOutOfRangeException)
        {
            if (Interlocked.Exchange(ref _damaged[group], 1) == 0)
            {
                Interlocked.Increment(ref _damagedCount);
                var info = Footer.RowGroups[group];
                _logger.LogError("block {Block}: row group {Group} ({Spans} spans of {Traces} traces) is damaged ({Reason}); quarantined: " +
                    "its spans are left out of every answer (kubetrace store check lists the damage)",
                    System.IO.Path.GetFileName(Path), group, info.RowCount, info.TraceCount, e.Message);
            }
            return false;
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _logger.LogWarning("block {Block}: row group {Group} cannot be read now ({Reason}); skipping it", System.IO.Path.GetFileName(Path), group, e.Message);
            return false;
        }
    }

    /// <summary>The row group holding a trace ordinal.</summary>
    public int GroupOf(int trace)
    {
        var groups = Footer.RowGroups;
        int lo = 0, hi = groups.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (groups[mid].FirstTrace <= trace) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    public void CollectRows(UInt128 traceId, List<(SpanTable Table, int Row)> rows)
    {
        var trace = Footer.Traces.Find(traceId);
        if (trace < 0) return;
        var group = GroupOf(trace);
        if (LoadGroup(group) is not { } table) return;
        var first = Footer.Traces.FirstRows[trace] - Footer.RowGroups[group].FirstRow;
        for (var i = 0; i < Footer.Traces.SpanCounts[trace]; i++) rows.Add((table, first + i));
    }

    public bool AddToSummary(UInt128 traceId, SummaryBuilder summary)
    {
        var t = Footer.Traces;
        var trace = t.Find(traceId);
        if (trace < 0) return false;
        var strings = Footer.Dictionaries.Strings;
        summary.AddPart(t.Starts[trace], t.Ends[trace], t.SpanCounts[trace], t.Errors[trace],
            Footer.ServiceSets[t.ServiceSets[trace]].Select(s => strings[s]));
        if (t.HasRoot[trace]) summary.SetRoot(strings[t.RootServices[trace]], strings[t.RootNames[trace]]);
        else summary.NoteEarliest(t.Starts[trace], strings[t.RootServices[trace]], strings[t.RootNames[trace]]);
        return true;
    }

    /// <summary>Drops what the block decoded for queries and keeps for the next ones (the values' texts and text
    /// map); true if it held any. Queries afterwards decode again.</summary>
    public bool DropCaches() => Footer.Dictionaries.Values is EncodedValueTable values && values.DropCaches();

    public void Dispose() => _file.Dispose();

    private static byte[] ReadAt(SafeFileHandle file, long offset, int length)
    {
        var buffer = new byte[length];
        ReadInto(file, offset, buffer);
        return buffer;
    }

    private static void ReadInto(SafeFileHandle file, long offset, Span<byte> buffer)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = RandomAccess.Read(file, buffer[read..], offset + read);
            if (n == 0) throw new InvalidDataException("unexpected end of block file");
            read += n;
        }
    }
}
