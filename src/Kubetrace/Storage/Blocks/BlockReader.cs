using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Query;
using Kubetrace.Storage.Wal;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// An open block: its <see cref="BlockSummary"/> in memory, its footer read on demand (through a shared
/// <see cref="FooterCache"/>), its row groups read with positional reads on demand (through a shared cache).
/// Immutable, so any number of queries read it concurrently.
/// </summary>
internal sealed partial class BlockReader : ITracePart, IFooterSections, IDisposable
{
    private readonly SafeFileHandle _file;
    private readonly RowGroupCache _cache;
    private readonly FooterCache _footers;
    /// <summary>The footer's place in the cache; of a version 6 block, one per <see cref="FooterSection"/>.</summary>
    private readonly FooterSlot[] _slots;
    private readonly FooterPlace _footerPlace;
    /// <summary>A version 6 block's section table (the header and where each section lies); null for an older block.</summary>
    private readonly BlockFooter? _table;
    private readonly ILogger _logger;
    /// <summary>Per row group, 1 once it was found damaged: quarantined, never read again by this process.</summary>
    private readonly int[] _damaged;
    private int _damagedCount;
    /// <summary>1 once the footer (or a section of it) failed its checksum on a later read: the block answers as
    /// empty from then on.</summary>
    private int _footerDamaged;

    private BlockReader(string path, SafeFileHandle file, long fileSize, BlockFooter footer, FooterPlace place,
        RowGroupCache cache, FooterCache footers, ILogger logger, StoreKey? key)
    {
        Path = path;
        Key = key;
        _file = file;
        FileSize = fileSize;
        Summary = BlockSummary.Of(footer);
        _footerPlace = place;
        _cache = cache;
        _footers = footers;
        _logger = logger;
        _damaged = new int[Summary.RowGroups];
        // Of a version 6 block only the section table stays with the block, none of the parts opening read: those go
        // to the cache, which a memory release empties (kept here, the trace table stayed for good, ~70 B a trace).
        _table = footer.Sections is null ? null : footer.Bind(null);
        _slots = [.. Enumerable.Range(0, _table is null ? 1 : footer.Sections!.Length).Select(_ => new FooterSlot())];
        // What opening read stays for the next queries: the whole footer of an older block, the trace table of a newer one.
        if (_table is null) footers.Admit(_slots[0], footer);
        else footers.Admit(_slots[(int)FooterSection.Traces], footer.TracesPart!);
    }

    public string Path { get; }

    /// <summary>The key that sealed the block; null: a plaintext block.</summary>
    public StoreKey? Key { get; }
    public long FileSize { get; }

    /// <summary>What the block keeps in memory while open.</summary>
    public BlockSummary Summary { get; }

    /// <summary>
    /// The block's footer, from the cache or read again (checksum verified); of a version 6 block, a footer that
    /// reads each section on first use (from the cache, or the file). A caller keeps the instance for the whole of
    /// what it does with it (the cache may drop it meanwhile, and a footer read again is a new instance with the same
    /// ids); within a <see cref="FooterLease"/> (a search) the block answers the same instance each time.
    /// <see cref="BlockFooter.Empty"/> once the block is closed or its footer damaged since it was opened.
    /// </summary>
    public BlockFooter Footer => Volatile.Read(ref _footerDamaged) != 0 ? BlockFooter.Empty : FooterLease.Keep(_slots[0], LoadFooter);

    private BlockFooter LoadFooter() => _table is { } table ? table.Bind(this) : _footers.Get(_slots[0], ReadFooterAgain);

    /// <summary>False once the footer (or a section of it) was found damaged after the block was opened.</summary>
    public bool FooterIntact => Volatile.Read(ref _footerDamaged) == 0;

    public int SpanCount => Summary.SpanCount;
    public int TraceCount => Summary.TraceCount;
    public long FirstSegment => Summary.FirstSegment;
    public long LastSegment => Summary.LastSegment;
    public ulong MinStart => Summary.MinStart;
    public ulong MaxEnd => Summary.MaxEnd;

    /// <summary>Row groups found damaged (checksum mismatch or undecodable) and quarantined so far.</summary>
    public int DamagedGroups => Volatile.Read(ref _damagedCount);

    /// <summary>Opens a block, checking its trailer and footer checksums (of a version 6 block, every section's);
    /// throws <see cref="InvalidDataException"/> if damaged (naming each damaged section in its data,
    /// <see cref="DamagedSections"/>).</summary>
    /// <param name="keys">Opens a sealed block (none given: only plaintext blocks open).</param>
    /// <param name="footers">Holds the footer while queries use it; none given: a cache of the block's own.</param>
    /// <exception cref="StoreKeyException">The block is sealed with a key not listed, or a wrong one.</exception>
    public static BlockReader Open(string path, RowGroupCache cache, ILogger logger, StoreKeyRing? keys = null, FooterCache? footers = null)
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
            var place = new FooterPlace(footerOffset, checked((int)storedLength), checked((int)rawLength), crc);
            var footer = BlockFooter.Read(new ByteReader(ReadStored(file, place, key, BlockSealing.FooterUnit, "footer")));
            if (footer.Sections is { } sections) footer = OpenSections(file, footer, sections, dataStart, footerOffset, key);
            return new BlockReader(path, file, size, footer, place, cache, footers ?? new FooterCache(FooterCache.DefaultBytes), logger, key);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Checks every section of a version 6 footer (so that a damaged one sets the block aside at open, as a damaged
    /// footer always did) and reads the trace table, which the block's summary is made from; answers the footer bound
    /// to nothing yet with that table taken.
    /// </summary>
    /// <exception cref="InvalidDataException">Sections fail their checksums, or lie outside the footer's room (one line
    /// each in its <see cref="Exception.Data"/>, <see cref="DamagedSections"/>).</exception>
    private static BlockFooter OpenSections(SafeFileHandle file, BlockFooter table, FooterPlace[] sections, long dataStart, long footerOffset, StoreKey? key)
    {
        var damaged = new List<string>();
        BlockFooter? traces = null;
        for (var s = 0; s < sections.Length; s++)
        {
            var place = sections[s];
            var name = SectionName(s);
            try
            {
                if (place.Offset < dataStart || place.Offset + place.StoredLength > footerOffset || place.StoredLength < 0)
                    throw new InvalidDataException($"footer section {name} lies outside the footer");
                var stored = ReadAt(file, place.Offset, place.StoredLength);
                if (Crc32C.Compute(stored) != place.Crc) throw new InvalidDataException($"footer section {name}: checksum mismatch");
                if (s == (int)FooterSection.Traces)
                    traces = table.ReadSection(new ByteReader(Unseal(stored, place, key, SectionUnit(s))), FooterSection.Traces);
            }
            catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or IndexOutOfRangeException or OverflowException)
            {
                damaged.Add(e.Message.StartsWith("footer section", StringComparison.Ordinal) ? e.Message : $"footer section {name}: {e.Message}");
            }
        }
        if (damaged.Count > 0) throw new InvalidDataException(string.Join("; ", damaged)) { Data = { [DamagedSections] = damaged.ToArray() } };
        var opened = table.Bind(null);
        opened.Take(traces!, FooterSection.Traces);
        opened.TracesPart = traces;
        return opened;
    }

    /// <summary>The key of an <see cref="InvalidDataException"/>'s data under which opening lists the damaged footer
    /// sections, one line each (<c>footer section postings: checksum mismatch</c>).</summary>
    internal const string DamagedSections = "footer sections";

    private static string SectionName(int section) =>
        Enum.IsDefined((FooterSection)section) ? ((FooterSection)section).ToString().ToLowerInvariant() : $"#{section}";

    /// <summary>The unit a section is sealed as (<see cref="BlockSealing"/>): below the footer's own.</summary>
    private static int SectionUnit(int section) => BlockSealing.FooterUnit - 1 - section;

    /// <summary>Reads a stored unit of the footer and answers its decompressed bytes.</summary>
    /// <exception cref="InvalidDataException">It fails its checksum or does not open.</exception>
    private static byte[] ReadStored(SafeFileHandle file, FooterPlace place, StoreKey? key, int unit, string what)
    {
        var stored = ReadAt(file, place.Offset, place.StoredLength);
        if (Crc32C.Compute(stored) != place.Crc) throw new InvalidDataException($"{what} checksum mismatch");
        return Unseal(stored, place, key, unit);
    }

    private static byte[] Unseal(byte[] stored, FooterPlace place, StoreKey? key, int unit)
    {
        var compressed = stored.AsSpan();
        if (key is not null)
        {
            compressed = compressed[StoreKey.Overhead..];
            BlockSealing.Open(key, stored.AsSpan(0, StoreKey.Overhead), compressed, unit);
        }
        return Codec.Decompress(compressed, place.RawLength);
    }

    /// <summary>Reads the footer of an older block again for the cache (it was dropped).</summary>
    private BlockFooter? ReadFooterAgain() => ReadAgain("its footer", _footerPlace, () =>
        BlockFooter.Read(new ByteReader(ReadStored(_file, _footerPlace, Key, BlockSealing.FooterUnit, "footer"))));

    /// <summary>A section of the version 6 footer, from the cache or read again (checksum verified).</summary>
    public BlockFooter Section(FooterSection section) =>
        Volatile.Read(ref _footerDamaged) != 0 ? BlockFooter.Empty : _footers.Get(_slots[(int)section], () => ReadSectionAgain(section));

    private BlockFooter? ReadSectionAgain(FooterSection section)
    {
        // The link table refers to traces by ordinal: it is read with the trace table.
        var traces = section == FooterSection.Links ? Section(FooterSection.Traces).TracesOrNull : null;
        var place = _table!.Sections![(int)section];
        return ReadAgain($"its footer section {SectionName((int)section)}", place, () =>
            _table.ReadSection(new ByteReader(ReadStored(_file, place, Key, SectionUnit((int)section), $"footer section {SectionName((int)section)}")),
                section, traces));
    }

    /// <summary>Reads a section of the footer as <see cref="Section"/> does but throwing on damage and without the cache
    /// (<c>kubetrace store check</c>).</summary>
    /// <exception cref="InvalidDataException">The section fails its checksum or does not decode.</exception>
    internal void CheckSection(FooterSection section)
    {
        var name = SectionName((int)section);
        try
        {
            var place = _table!.Sections![(int)section];
            var traces = section == FooterSection.Links ? Section(FooterSection.Traces).TracesOrNull : null;
            _table.ReadSection(new ByteReader(ReadStored(_file, place, Key, SectionUnit((int)section), $"footer section {name}:")), section, traces);
        }
        catch (Exception e) when (e is ZstdSharp.ZstdException or IndexOutOfRangeException or OverflowException or
                                      Google.Protobuf.InvalidProtocolBufferException or InvalidDataException)
        {
            throw new InvalidDataException(e.Message.StartsWith("footer section", StringComparison.Ordinal) ? e.Message : $"footer section {name}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads (part of) the footer again for the cache; null when it cannot be any more: the block was closed
    /// (retired: its data is elsewhere now), or the footer is damaged since the block was opened, which is reported
    /// once and makes the block answer as empty (all its row groups counted damaged).
    /// </summary>
    private BlockFooter? ReadAgain(string what, FooterPlace place, Func<BlockFooter> read)
    {
        try
        {
            _footers.NoteRead(place.StoredLength);
            return read();
        }
        catch (ObjectDisposedException)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or ZstdSharp.ZstdException or IndexOutOfRangeException or OverflowException or
                                      Google.Protobuf.InvalidProtocolBufferException)
        {
            if (Interlocked.Exchange(ref _footerDamaged, 1) == 0)
            {
                Interlocked.Exchange(ref _damagedCount, _damaged.Length);
                _logger.LogError("block {Block}: {Part} is damaged ({Reason}); quarantined: its {Spans} spans are left out of every answer " +
                    "(kubetrace store check lists the damage)", System.IO.Path.GetFileName(Path), what, e.Message, SpanCount);
            }
            return null;
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
        var footer = Footer;
        var info = footer.RowGroups[group];
        var bytes = new byte[checked((int)info.Length)];
        ReadRowGroup(group, bytes);
        return RowGroupDecoder.Decode(footer, info, bytes);
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
                var groups = Footer.RowGroups;
                var (spans, traces) = group < groups.Length ? (groups[group].RowCount, groups[group].TraceCount) : (0, 0);
                _logger.LogError("block {Block}: row group {Group} ({Spans} spans of {Traces} traces) is damaged ({Reason}); quarantined: " +
                    "its spans are left out of every answer (kubetrace store check lists the damage)",
                    System.IO.Path.GetFileName(Path), group, spans, traces, e.Message);
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
    public static int GroupOf(BlockFooter footer, int trace)
    {
        var groups = footer.RowGroups;
        int lo = 0, hi = groups.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi + 1) >>> 1;
            if (groups[mid].FirstTrace <= trace) lo = mid;
            else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>The trace's ordinal in the footer's trace table, or -1; the footer is read only when the block's
    /// trace-ID filter says it may hold the trace.</summary>
    public int FindTrace(UInt128 traceId, out BlockFooter footer)
    {
        if (!Summary.TraceIds.MayHold(traceId))
        {
            footer = BlockFooter.Empty;
            return -1;
        }
        footer = Footer;
        return footer.Traces.Find(traceId) is var trace and >= 0 ? trace : -1;
    }

    public void CollectRows(UInt128 traceId, List<(SpanTable Table, int Row)> rows)
    {
        var trace = FindTrace(traceId, out var footer);
        if (trace < 0) return;
        var group = GroupOf(footer, trace);
        if (LoadGroup(group) is not { } table) return;
        var first = footer.Traces.FirstRows[trace] - footer.RowGroups[group].FirstRow;
        for (var i = 0; i < footer.Traces.SpanCounts[trace]; i++) rows.Add((table, first + i));
    }

    public bool AddToSummary(UInt128 traceId, SummaryBuilder summary)
    {
        var trace = FindTrace(traceId, out var footer);
        if (trace < 0) return false;
        var t = footer.Traces;
        var strings = footer.Dictionaries.Strings;
        summary.AddPart(t.Starts[trace], t.Ends[trace], t.SpanCounts[trace], t.Errors[trace],
            footer.ServiceSets[t.ServiceSets[trace]].Select(s => strings[s]));
        if (t.HasRoot[trace]) summary.SetRoot(strings[t.RootServices[trace]], strings[t.RootNames[trace]]);
        else summary.NoteEarliest(t.Starts[trace], strings[t.RootServices[trace]], strings[t.RootNames[trace]]);
        return true;
    }

    public void Dispose()
    {
        foreach (var slot in _slots) _footers.Evict(slot);
        _file.Dispose();
    }

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
