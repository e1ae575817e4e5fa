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
/// version 2) the reverse link table; from version 3 every column chunk carries a CRC-32C. From version 6 the
/// footer is a small section table and each <see cref="FooterSection"/> is stored and checksummed on its own: a
/// footer read from such a block loads a section when one of its parts is first asked for (and keeps it), so a
/// query reads only the sections it uses.
/// </summary>
internal sealed class BlockFooter
{
    /// <summary>Written by this version: 2 adds <see cref="Links"/> at the end, 3 the chunk checksums of each row
    /// group, 4 <see cref="ExtraKeys"/> after the links, 5 <see cref="EventNames"/> after them, 6 stores the footer
    /// as <see cref="FooterSection"/>s; version 1 to 5 blocks still open.</summary>
    public const int Version = 6;
    /// <summary>The first version whose footer is a section table.</summary>
    public const int SectionedVersion = 6;
    private const int OldestReadable = 1;
    private const int SectionCount = 6;
    private const int AllSections = (1 << SectionCount) - 1;

    public long FirstSegment { get; set; }
    public long LastSegment { get; set; }
    public int SpanCount { get; set; }
    public ulong MinStart { get; set; }
    public ulong MaxEnd { get; set; }

    // Each part is set when the footer is built or read whole, or copied from its section when first asked for
    // (_loaded has a bit per section loaded; a footer read whole has them all).
    private IFooterSections? _source;
    private int _loaded = AllSections;
    private Dictionaries? _dictionaries;
    private int[][]? _shapes;
    private TraceTable? _traces;
    private int[][]? _serviceSets;
    private RowGroupInfo[]? _rowGroups;
    private PostingIndex? _postings;
    private DependencyBucket[]? _dependencies;
    private (int Service, int Name, int Kind)[]? _operations;
    private int[]? _spanKeys;
    private LinkIndex? _links;
    private string[]? _extraKeys;
    private string[]? _eventNames;
    private int _rowGroupCount = -1;

    public Dictionaries Dictionaries { get => Need(FooterSection.Dictionaries)._dictionaries!; init => _dictionaries = value; }
    public int[][] Shapes { get => Need(FooterSection.Dictionaries)._shapes!; init => _shapes = value; }

    public TraceTable Traces { get => Need(FooterSection.Traces)._traces!; init => _traces = value; }
    public int[][] ServiceSets { get => Need(FooterSection.Traces)._serviceSets!; init => _serviceSets = value; }
    public RowGroupInfo[] RowGroups { get => Need(FooterSection.RowGroups)._rowGroups!; init => _rowGroups = value; }
    public PostingIndex Postings { get => Need(FooterSection.Postings)._postings!; init => _postings = value; }
    public DependencyBucket[] Dependencies { get => Need(FooterSection.Catalog)._dependencies!; init => _dependencies = value; }
    public (int Service, int Name, int Kind)[] Operations { get => Need(FooterSection.Catalog)._operations!; init => _operations = value; }
    public int[] SpanKeys { get => Need(FooterSection.Catalog)._spanKeys!; init => _spanKeys = value; }
    /// <summary>Who links to which trace; null for a version 1 block (found by reading its extras instead).</summary>
    public LinkIndex? Links { get => Need(FooterSection.Links)._links; init => _links = value; }

    /// <summary>
    /// The attribute keys of the block's span events and links (kept in the rows' extras, which no index reads),
    /// so that a search for a tag that may be anywhere (Jaeger's tags) skips a block holding the key nowhere;
    /// null for a block older than version 4 (it may hold any key).
    /// </summary>
    public string[]? ExtraKeys { get => Need(FooterSection.Catalog)._extraKeys; init => _extraKeys = value; }

    /// <summary>The names of the block's span events, sorted, so that <c>{ event:name = "x" }</c> skips a block without
    /// them; null for a block older than version 5 (it may hold any name).</summary>
    public string[]? EventNames { get => Need(FooterSection.Catalog)._eventNames; init => _eventNames = value; }

    /// <summary>The number of row groups, known without reading the row group directory of a version 6 block.</summary>
    public int RowGroupCount => _rowGroupCount >= 0 ? _rowGroupCount : RowGroups.Length;

    /// <summary>The version to write: <see cref="Version"/>, or an older one (how tests make the old blocks that stores
    /// still hold).</summary>
    public int FormatVersion { get; init; } = Version;

    /// <summary>Where each section lies (in <see cref="FooterSection"/> order) when read from a version 6 block's
    /// section table; null for a footer read whole or being written.</summary>
    public FooterPlace[]? Sections { get; private init; }

    /// <summary>The footer's length decoded (uncompressed), from <see cref="Read"/>; 0 for a footer being written.</summary>
    public int RawBytes { get; init; }

    /// <summary>
    /// Managed bytes this footer (or section of one) keeps, estimated for the <see cref="FooterCache"/>'s bound: the
    /// decoded arrays of the trace table (69 B per trace), the postings and the link table, plus the raw bytes read
    /// for the rest (dictionaries kept encoded cost about their bytes; the encoded trace table and postings, counted
    /// again, are the margin), plus what queries have decoded of it since (the texts of its values, a version 1
    /// block's link table): it grows while the footer is held, and the cache counts it again.
    /// </summary>
    public long EstimatedBytes => (_traces?.Count ?? 0) * 69L + (_postings?.Bytes ?? 0) + ((_links ?? ScannedLinks)?.Bytes ?? 0) + RawBytes +
        ((_dictionaries?.Values as EncodedValueTable)?.DecodedBytes ?? 0);

    /// <summary>The trace table as held (null in a section that does not hold it), for reading the link table.</summary>
    internal TraceTable? TracesOrNull => _traces;

    /// <summary>Of a version 6 footer being opened, its trace table section as read: the block's cache keeps it.</summary>
    internal BlockFooter? TracesPart { get; set; }

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

    /// <summary>A footer of a version 6 block whose parts come from <paramref name="source"/> on first use; null: none
    /// loaded yet (the block being opened gives them with <see cref="Take"/>). A query asks for a new one, and
    /// keeps the sections it loads for as long as it holds it.</summary>
    public BlockFooter Bind(IFooterSections? source) => new()
    {
        FirstSegment = FirstSegment, LastSegment = LastSegment, SpanCount = SpanCount, MinStart = MinStart, MaxEnd = MaxEnd,
        FormatVersion = FormatVersion, Sections = Sections, RawBytes = 0, _rowGroupCount = _rowGroupCount, _source = source, _loaded = 0,
    };

    /// <exception cref="InvalidDataException">The section cannot be read any more: damaged since the block was opened
    /// (reported once by the block, which answers as empty from then on), or the block was closed. The query asking
    /// fails rather than go on with the sections it took before (their ids would point nowhere).</exception>
    private BlockFooter Need(FooterSection section)
    {
        if ((Volatile.Read(ref _loaded) & (1 << (int)section)) != 0) return this;
        var part = _source!.Section(section);
        if (ReferenceEquals(part, Empty))
            throw new InvalidDataException($"the block's footer section {section.ToString().ToLowerInvariant()} cannot be read (damaged, or the block was closed)");
        Take(part, section);
        return this;
    }

    /// <summary>Copies a section's parts from <paramref name="part"/> (a footer holding it: the section as read, or
    /// <see cref="Empty"/>). Two queries taking the same section at once copy the same parts.</summary>
    internal void Take(BlockFooter part, FooterSection section)
    {
        switch (section)
        {
            case FooterSection.Dictionaries: (_dictionaries, _shapes) = (part._dictionaries, part._shapes); break;
            case FooterSection.Traces: (_traces, _serviceSets) = (part._traces, part._serviceSets); break;
            case FooterSection.RowGroups: _rowGroups = part._rowGroups; break;
            case FooterSection.Postings: _postings = part._postings; break;
            case FooterSection.Catalog:
                (_dependencies, _operations, _spanKeys) = (part._dependencies, part._operations, part._spanKeys);
                (_extraKeys, _eventNames) = (part._extraKeys, part._eventNames);
                break;
            case FooterSection.Links: _links = part._links; break;
        }
        Interlocked.Or(ref _loaded, 1 << (int)section);
    }

    /// <summary>Writes the footer whole (versions 1 to 5), or one section of a version 6 footer.</summary>
    public void Write(ByteWriter w)
    {
        if (FormatVersion >= SectionedVersion) throw new InvalidOperationException("a version 6 footer is written by section");
        WriteHeader(w);
        WriteDictionaries(w);
        WriteTraces(w);
        WriteRowGroups(w);
        Postings.Write(w);
        WriteCatalog(w);
        if (FormatVersion >= 2) (Links ?? LinkIndex.Empty).Write(w, Traces);
        WriteEventKeys(w);
    }

    /// <summary>Writes one section of a version 6 footer.</summary>
    public void WriteSection(ByteWriter w, FooterSection section)
    {
        switch (section)
        {
            case FooterSection.Dictionaries: WriteDictionaries(w); break;
            case FooterSection.Traces: WriteTraces(w); break;
            case FooterSection.RowGroups: WriteRowGroups(w); break;
            case FooterSection.Postings: Postings.Write(w); break;
            case FooterSection.Catalog: WriteCatalog(w); WriteEventKeys(w); break;
            case FooterSection.Links: (Links ?? LinkIndex.Empty).Write(w, Traces); break;
        }
    }

    /// <summary>Writes a version 6 footer's section table: the header and where each section lies.</summary>
    public void WriteTable(ByteWriter w, IReadOnlyList<FooterPlace> sections)
    {
        WriteHeader(w);
        w.WriteVarint(Traces.Count);
        w.WriteVarint(RowGroups.Length);
        w.WriteVarint(sections.Count);
        foreach (var s in sections)
        {
            w.WriteVarint(s.Offset);
            w.WriteVarint(s.StoredLength);
            w.WriteVarint(s.RawLength);
            w.WriteFixed32(s.Crc);
        }
    }

    private void WriteHeader(ByteWriter w)
    {
        w.WriteVarint(FormatVersion);
        w.WriteVarint(FirstSegment);
        w.WriteVarint(LastSegment);
        w.WriteVarint(SpanCount);
        w.WriteVarint(MinStart);
        w.WriteVarint(MaxEnd);
    }

    private void WriteDictionaries(ByteWriter w)
    {
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
    }

    private void WriteTraces(ByteWriter w)
    {
        Traces.Write(w, MinStart);
        WriteJagged(w, ServiceSets);
    }

    private void WriteRowGroups(ByteWriter w)
    {
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
    }

    private void WriteCatalog(ByteWriter w)
    {
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
    }

    private void WriteEventKeys(ByteWriter w)
    {
        if (FormatVersion >= 4) WriteStrings(w, ExtraKeys ?? []);
        if (FormatVersion >= 5) WriteStrings(w, EventNames ?? []);
    }

    /// <summary>Reads a footer stored whole (versions 1 to 5), or a version 6 footer's section table (its
    /// <see cref="Sections"/> set, no part loaded: <see cref="Bind"/> it to a block).</summary>
    public static BlockFooter Read(ByteReader r)
    {
        var rawBytes = r.End - r.Position;
        var version = r.ReadInt();
        if (version is < OldestReadable or > Version) throw new InvalidDataException($"unsupported block version {version}");
        var (firstSegment, lastSegment, spanCount, minStart, maxEnd) = (r.ReadLong(), r.ReadLong(), r.ReadInt(), r.ReadVarint(), r.ReadVarint());
        if (version >= SectionedVersion)
        {
            r.ReadInt(); // the trace count: the trace table has it
            var rowGroupCount = r.ReadInt();
            var sections = new FooterPlace[r.ReadInt()];
            if (sections.Length < SectionCount) throw new InvalidDataException($"footer table lists {sections.Length} sections");
            for (var i = 0; i < sections.Length; i++)
                sections[i] = new FooterPlace(r.ReadLong(), r.ReadInt(), r.ReadInt(), r.ReadFixed32());
            return new BlockFooter
            {
                FirstSegment = firstSegment, LastSegment = lastSegment, SpanCount = spanCount, MinStart = minStart, MaxEnd = maxEnd,
                FormatVersion = version, Sections = sections, _rowGroupCount = rowGroupCount, _loaded = 0,
            };
        }
        var footer = new BlockFooter
        {
            FirstSegment = firstSegment, LastSegment = lastSegment, SpanCount = spanCount,
            MinStart = minStart, MaxEnd = maxEnd, FormatVersion = version, RawBytes = rawBytes,
        };
        footer.ReadDictionaries(r);
        footer.ReadTraces(r);
        footer.ReadRowGroups(r);
        footer._postings = PostingIndex.Read(r);
        footer.ReadCatalog(r);
        footer._links = version >= 2 ? LinkIndex.Read(r, footer._traces!) : null;
        footer.ReadEventKeys(r);
        return footer;
    }

    /// <summary>Reads one section of this (version 6) footer from its decompressed bytes into a footer of its own,
    /// which the cache holds. The link table needs the trace table (<paramref name="traces"/>).</summary>
    public BlockFooter ReadSection(ByteReader r, FooterSection section, TraceTable? traces = null)
    {
        var part = new BlockFooter { MinStart = MinStart, FormatVersion = FormatVersion, RawBytes = r.End - r.Position };
        switch (section)
        {
            case FooterSection.Dictionaries: part.ReadDictionaries(r); break;
            case FooterSection.Traces: part.ReadTraces(r); break;
            case FooterSection.RowGroups: part.ReadRowGroups(r); break;
            case FooterSection.Postings: part._postings = PostingIndex.Read(r); break;
            case FooterSection.Catalog: part.ReadCatalog(r); part.ReadEventKeys(r); break;
            case FooterSection.Links: part._links = LinkIndex.Read(r, traces!); break;
        }
        if (!r.AtEnd) throw new InvalidDataException($"footer section {section} has {r.End - r.Position} bytes past its end");
        return part;
    }

    private void ReadDictionaries(ByteReader r)
    {
        var strings = ReadStrings(r);
        var values = EncodedValueTable.Read(r);
        var resources = new ResourceEntry[r.ReadInt()];
        for (var i = 0; i < resources.Length; i++)
            resources[i] = new ResourceEntry(Resource.Parser.ParseFrom(r.ReadBytes()), r.ReadString());
        var scopes = new ScopeEntry[r.ReadInt()];
        for (var i = 0; i < scopes.Length; i++)
            scopes[i] = new ScopeEntry(InstrumentationScope.Parser.ParseFrom(r.ReadBytes()), r.ReadString());
        _dictionaries = new Dictionaries(new StringTable(strings), values,
            new EntryTable<ResourceEntry>(resources), new EntryTable<ScopeEntry>(scopes));
        _shapes = ReadJagged(r);
    }

    private void ReadTraces(ByteReader r)
    {
        _traces = TraceTable.Read(r, MinStart);
        _serviceSets = ReadJagged(r);
    }

    private void ReadRowGroups(ByteReader r)
    {
        var rowGroups = new RowGroupInfo[r.ReadInt()];
        for (var i = 0; i < rowGroups.Length; i++)
        {
            var (firstTrace, traceCount, firstRow, rowCount, offset) = (r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadInt(), r.ReadLong());
            var (compressed, raw, keys) = (ReadInts(r), ReadInts(r), ReadInts(r));
            var checksums = new uint[FormatVersion >= 3 ? compressed.Length : 0];
            for (var c = 0; c < checksums.Length; c++) checksums[c] = r.ReadFixed32();
            rowGroups[i] = new RowGroupInfo(firstTrace, traceCount, firstRow, rowCount, offset, compressed, raw, keys, checksums);
        }
        _rowGroups = rowGroups;
    }

    private void ReadCatalog(ByteReader r)
    {
        var dependencies = new DependencyBucket[r.ReadInt()];
        for (var i = 0; i < dependencies.Length; i++)
            dependencies[i] = new DependencyBucket(r.ReadLong(), r.ReadInt(), r.ReadInt(), r.ReadLong(), r.ReadLong());
        var operations = new (int, int, int)[r.ReadInt()];
        for (var i = 0; i < operations.Length; i++) operations[i] = (r.ReadInt(), r.ReadInt(), r.ReadInt());
        (_dependencies, _operations, _spanKeys) = (dependencies, operations, ReadInts(r));
    }

    private void ReadEventKeys(ByteReader r)
    {
        if (FormatVersion >= 4) _extraKeys = ReadStrings(r);
        if (FormatVersion >= 5) _eventNames = ReadStrings(r);
    }

    private static void WriteStrings(ByteWriter w, string[] values)
    {
        w.WriteVarint(values.Length);
        foreach (var value in values) w.WriteString(value);
    }

    private static string[] ReadStrings(ByteReader r)
    {
        var values = new string[r.ReadInt()];
        for (var i = 0; i < values.Length; i++) values[i] = r.ReadString();
        return values;
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
