using Google.Protobuf;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Blocks;

/// <summary>Where one row group's compressed columns are in the file, and (from version 3) the CRC-32C of each
/// (<see cref="ChunkChecksums"/>; empty in older blocks).</summary>
internal sealed record RowGroupInfo(int FirstTrace, int TraceCount, int FirstRow, int RowCount, long Offset,
    int[] CompressedLengths, int[] RawLengths, int[] AttributeKeys, uint[] Checksums)
{
    public long Length => CompressedLengths.Sum(l => (long)l);
}

/// <summary>One service→service edge count within a minute.</summary>
internal readonly record struct DependencyBucket(long Minute, int Parent, int Child, long Calls, long Errors);

/// <summary>
/// The metadata and indexes of a block, read when a query needs them and held in the <see cref="FooterCache"/>
/// while used (the block itself keeps only its <see cref="BlockSummary"/>): dictionaries, the sorted trace
/// table (trace by ID and trace summaries without reading rows), row group directory, posting lists from
/// (service | name | attribute value) to trace ordinals, dependency edges per minute, the catalog, and (from
/// version 2) the reverse link table; from version 3 every column chunk carries a CRC-32C.
/// </summary>
internal sealed class BlockFooter
{
    /// <summary>Written by this version: 2 adds <see cref="Links"/> at the end, 3 the chunk checksums of each row
    /// group, 4 <see cref="ExtraKeys"/> after the links, 5 <see cref="EventNames"/> after them; version 1 to 4 blocks
    /// still open.</summary>
    public const int Version = 5;
    private const int OldestReadable = 1;

    public long FirstSegment { get; set; }
    public long LastSegment { get; set; }
    public int SpanCount { get; set; }
    public ulong MinStart { get; set; }
    public ulong MaxEnd { get; set; }

    public required Dictionaries Dictionaries { get; init; }
    public required int[][] Shapes { get; init; }

    public required TraceTable Traces { get; init; }
    public required int[][] ServiceSets { get; init; }
    public required RowGroupInfo[] RowGroups { get; init; }
    public required PostingIndex Postings { get; init; }
    public required DependencyBucket[] Dependencies { get; init; }
    public required (int Service, int Name, int Kind)[] Operations { get; init; }
    public required int[] SpanKeys { get; init; }
    /// <summary>Who links to which trace; null for a version 1 block (found by reading its extras instead).</summary>
    public LinkIndex? Links { get; init; }

    /// <summary>
    /// The attribute keys of the block's span events and links (kept in the rows' extras, which no index reads),
    /// so that a search for a tag that may be anywhere (Jaeger's tags) skips a block holding the key nowhere;
    /// null for a block older than version 4 (it may hold any key).
    /// </summary>
    public string[]? ExtraKeys { get; init; }

    /// <summary>The names of the block's span events, sorted, so that <c>{ event:name = "x" }</c> skips a block without
    /// them; null for a block older than version 5 (it may hold any name).</summary>
    public string[]? EventNames { get; init; }

    /// <summary>The version to write: <see cref="Version"/>, or 1 for a block as written before the link table
    /// (how tests make the old blocks that stores still hold).</summary>
    public int FormatVersion { get; init; } = Version;

    /// <summary>The footer's length decoded (uncompressed), from <see cref="Read"/>; 0 for a footer being written.</summary>
    public int RawBytes { get; init; }

    /// <summary>
    /// Managed bytes this footer keeps, estimated for the <see cref="FooterCache"/>'s bound: the decoded arrays of
    /// the trace table (69 B per trace), the postings and the link table, plus the footer's raw bytes for the rest
    /// (dictionaries kept encoded cost about their bytes; the encoded trace table and postings, counted again, are the
    /// margin), plus what queries have decoded of it since (the texts of its values, a version 1 block's link table):
    /// it grows while the footer is held, and the cache counts it again.
    /// </summary>
    public long EstimatedBytes => Traces.Count * 69L + Postings.Bytes + ((Links ?? ScannedLinks)?.Bytes ?? 0) + RawBytes +
        ((Dictionaries.Values as EncodedValueTable)?.DecodedBytes ?? 0);

    /// <summary>The link table of a version 1 block, built once by reading its rows (<see cref="BlockReader.Links"/>)
    /// and dropped with the footer.</summary>
    internal LinkIndex? ScannedLinks;

    /// <summary>What a block whose footer cannot be read any more (closed, or damaged since it was opened) answers
    /// with: no traces, no row groups, nothing indexed.</summary>
    public static BlockFooter Empty { get; } = new()
    {
        Dictionaries = new Dictionaries(), Shapes = [],
        Traces = TraceTable.Empty, ServiceSets = [], RowGroups = [], Postings = PostingIndex.Empty, Dependencies = [],
        Operations = [], SpanKeys = [], Links = LinkIndex.Empty, ExtraKeys = [], EventNames = [],
    };

    public void Write(ByteWriter w)
    {
        w.WriteVarint(FormatVersion);
        w.WriteVarint(FirstSegment);
        w.WriteVarint(LastSegment);
        w.WriteVarint(SpanCount);
        w.WriteVarint(MinStart);
        w.WriteVarint(MaxEnd);

        var strings = Dictionaries.Strings.ToArray();
        w.WriteVarint(strings.Length);
        foreach (var s in strings) w.WriteString(s);
        Dictionaries.Values.Write(w);
        var resources = Dictionaries.Resources.ToArray();
        w.WriteVarint(resources.Length);
        foreach (var r in resources)
        {
            w.WriteBytes(r.Resource.ToByteArray());
            w.WriteString(r.SchemaUrl);
        }
        var scopes = Dictionaries.Scopes.ToArray();
        w.WriteVarint(scopes.Length);
        foreach (var s in scopes)
        {
            w.WriteBytes(s.Scope.ToByteArray());
            w.WriteString(s.SchemaUrl);
        }
        WriteJagged(w, Shapes);
        Traces.Write(w, MinStart);
        WriteJagged(w, ServiceSets);

        w.WriteVarint(RowGroups.Length);
        foreach (var g in RowGroups)
        {
            w.WriteVarint(g.FirstTrace);
            w.WriteVarint(g.TraceCount);
            w.WriteVarint(g.FirstRow);
            w.WriteVarint(g.RowCount);
            w.WriteVarint(g.Offset);
            WriteInts(w, g.CompressedLengths);
            WriteInts(w, g.RawLengths);
            WriteInts(w, g.AttributeKeys);
            if (FormatVersion >= 3)
                foreach (var checksum in g.Checksums) w.WriteFixed32(checksum);
        }
        Postings.Write(w);
        w.WriteVarint(Dependencies.Length);
        foreach (var d in Dependencies)
        {
            w.WriteVarint(d.Minute);
            w.WriteVarint(d.Parent);
            w.WriteVarint(d.Child);
            w.WriteVarint(d.Calls);
            w.WriteVarint(d.Errors);
        }
        w.WriteVarint(Operations.Length);
        foreach (var o in Operations)
        {
            w.WriteVarint(o.Service);
            w.WriteVarint(o.Name);
            w.WriteVarint(o.Kind);
        }
        WriteInts(w, SpanKeys);
        if (FormatVersion >= 2) (Links ?? LinkIndex.Empty).Write(w, Traces);
        if (FormatVersion >= 4)
        {
            var extraKeys = ExtraKeys ?? [];
            w.WriteVarint(extraKeys.Length);
            foreach (var key in extraKeys) w.WriteString(key);
        }
        if (FormatVersion >= 5)
        {
            var eventNames = EventNames ?? [];
            w.WriteVarint(eventNames.Length);
            foreach (var name in eventNames) w.WriteString(name);
        }
    }

    public static BlockFooter Read(ByteReader r)
    {
        var rawBytes = r.End - r.Position;
        var version = r.ReadInt();
        if (version is < OldestReadable or > Version) throw new InvalidDataException($"unsupported block version {version}");
        var firstSegment = r.ReadLong();
        var lastSegment = r.ReadLong();
        var spanCount = r.ReadInt();
        var minStart = r.ReadVarint();
        var maxEnd = r.ReadVarint();

        var strings = new string[r.ReadInt()];
        for (var i = 0; i < strings.Length; i++) strings[i] = r.ReadString();
        var values = EncodedValueTable.Read(r);
        var resources = new ResourceEntry[r.ReadInt()];
        for (var i = 0; i < resources.Length; i++)
            resources[i] = new ResourceEntry(Resource.Parser.ParseFrom(r.ReadBytes()), r.ReadString());
        var scopes = new ScopeEntry[r.ReadInt()];
        for (var i = 0; i < scopes.Length; i++)
            scopes[i] = new ScopeEntry(InstrumentationScope.Parser.ParseFrom(r.ReadBytes()), r.ReadString());
        var dictionaries = new Dictionaries(new StringTable(strings), values,
            new EntryTable<ResourceEntry>(resources), new EntryTable<ScopeEntry>(scopes));
        var shapes = ReadJagged(r);
        var traces = TraceTable.Read(r, minStart);
        var serviceSets = ReadJagged(r);

        var rowGroups = new RowGroupInfo[r.ReadInt()];
        for (var i = 0; i < rowGroups.Length; i++)
        {
            var (firstTrace, traceCount, firstRow, rowCount, offset) = (r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadLong());
            var (compressed, raw, keys) = (ReadInts(r), ReadInts(r), ReadInts(r));
            var checksums = new uint[version >= 3 ? compressed.Length : 0];
            for (var c = 0; c < checksums.Length; c++) checksums[c] = r.ReadFixed32();
            rowGroups[i] = new RowGroupInfo(firstTrace, traceCount, firstRow, rowCount, offset, compressed, raw, keys, checksums);
        }
        var postings = PostingIndex.Read(r);
        var dependencies = new DependencyBucket[r.ReadInt()];
        for (var i = 0; i < dependencies.Length; i++)
            dependencies[i] = new DependencyBucket(r.ReadLong(), r.ReadInt(), r.ReadInt(), r.ReadLong(), r.ReadLong());
        var operations = new (int, int, int)[r.ReadInt()];
        for (var i = 0; i < operations.Length; i++) operations[i] = (r.ReadInt(), r.ReadInt(), r.ReadInt());
        var spanKeys = ReadInts(r);
        var links = version >= 2 ? LinkIndex.Read(r, traces) : null;
        string[]? extraKeys = null;
        if (version >= 4)
        {
            extraKeys = new string[r.ReadInt()];
            for (var i = 0; i < extraKeys.Length; i++) extraKeys[i] = r.ReadString();
        }
        string[]? eventNames = null;
        if (version >= 5)
        {
            eventNames = new string[r.ReadInt()];
            for (var i = 0; i < eventNames.Length; i++) eventNames[i] = r.ReadString();
        }

        return new BlockFooter
        {
            FirstSegment = firstSegment, LastSegment = lastSegment, SpanCount = spanCount,
            MinStart = minStart, MaxEnd = maxEnd, Dictionaries = dictionaries, Shapes = shapes, Traces = traces,
            ServiceSets = serviceSets, RowGroups = rowGroups, Postings = postings, Dependencies = dependencies,
            Operations = operations, SpanKeys = spanKeys, Links = links, ExtraKeys = extraKeys, EventNames = eventNames, FormatVersion = version,
            RawBytes = rawBytes,
        };
    }

    private static void WriteInts(ByteWriter w, int[] values)
    {
        w.WriteVarint(values.Length);
        foreach (var v in values) w.WriteVarint(v);
    }

    private static int[] ReadInts(ByteReader r)
    {
        var values = new int[r.ReadInt()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadInt();
        return values;
    }

    private static void WriteJagged(ByteWriter w, int[][] values)
    {
        w.WriteVarint(values.Length);
        foreach (var v in values) WriteInts(w, v);
    }

    private static int[][] ReadJagged(ByteReader r)
    {
        var values = new int[r.ReadInt()][];
        for (var i = 0; i < values.Length; i++) values[i] = ReadInts(r);
        return values;
    }
}
