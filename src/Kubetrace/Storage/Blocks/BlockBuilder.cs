using System.Runtime.InteropServices;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Writes a block (<see cref="BlockWriter"/> has the layout) trace by trace, in ascending trace ID order: a trace's
/// rows are encoded into the current row group as they come and each group goes to the file once full, so what is
/// kept until <see cref="Finish"/> is only what the footer holds (a summary row per trace, posting entries, links,
/// the dictionaries). The block writer feeds it one frozen head; the merger one small head of merged traces after
/// another (<see cref="Compaction.BlockMerger"/>), so a merge needs memory for a few row groups and the new footer,
/// not for its blocks.
/// </summary>
internal sealed class BlockBuilder : IDisposable
{
    private readonly Dictionaries _dictionaries;
    private readonly int _rowGroupSpans;
    private readonly int _formatVersion;
    private readonly StoreKey? _sealWith;
    private readonly FileStream _file;
    // Sealed, a row group is gathered here first (the buffers are kept from group to group).
    private readonly MemoryStream? _plainGroup;
    private byte[] _sealBuffer = [];

    private readonly GrowList<UInt128> _ids;
    private readonly GrowList<int> _spanCounts;
    private readonly GrowList<ulong> _starts;
    private readonly GrowList<ulong> _ends;
    private readonly GrowList<int> _errors;
    private readonly GrowList<ulong> _maxDurations;
    private readonly GrowList<int> _rootServices;
    private readonly GrowList<int> _rootNames;
    private readonly GrowList<bool> _hasRoot;
    private readonly GrowList<int> _serviceSetIds;
    private readonly ShapeTable _serviceSets = new();
    private readonly ShapeTable _shapes = new();
    private readonly PostingIndex.Builder _postings = new();
    private readonly PostingSlots _postingSlots;
    private readonly Dictionary<(long Minute, int Parent, int Child), (long Calls, long Errors)> _dependencies = new();
    private readonly HashSet<(int, int, int)> _operations = [];
    private readonly List<RowGroupInfo> _rowGroups = [];
    private readonly LinkIndex.Builder _links = new();
    private readonly HashSet<string> _extraKeys = new(StringComparer.Ordinal);
    private readonly HashSet<string> _eventNames = new(StringComparer.Ordinal);
    private readonly RowGroupEncoder _encoder;
    private readonly TraceRows _trace = new();
    private readonly List<int> _serviceBuffer = [];
    private int[] _serviceOfResource = [];
    private int _groupFirstTrace, _groupFirstRow, _rows;

    /// <param name="dictionaries">The dictionaries every added table's ids point into; written in the footer.</param>
    /// <param name="expectedTraces">At least the number of traces that will be added (exact for a head, the sum of
    /// the sources' for a merge): sizes the trace table and bounds the attributes worth a posting list.</param>
    /// <param name="formatVersion">The footer version to write (<see cref="BlockFooter.Version"/>; 1 leaves the link table out).</param>
    /// <param name="sealWith">Seals the block; null: plaintext.</param>
    public BlockBuilder(string path, Dictionaries dictionaries, int rowGroupSpans, int expectedTraces, int formatVersion, StoreKey? sealWith)
    {
        _dictionaries = dictionaries;
        _rowGroupSpans = rowGroupSpans;
        _formatVersion = formatVersion;
        _sealWith = sealWith;
        var capacity = Math.Max(16, expectedTraces);
        (_ids, _spanCounts, _starts, _ends, _errors) = (new(capacity), new(capacity), new(capacity), new(capacity), new(capacity));
        (_maxDurations, _rootServices, _rootNames, _hasRoot, _serviceSetIds) = (new(capacity), new(capacity), new(capacity), new(capacity), new(capacity));
        _postingSlots = new PostingSlots(dictionaries, _postings, AttributeIndexPolicy.KeyLimit(expectedTraces));
        _encoder = new RowGroupEncoder(_shapes);
        _file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        _plainGroup = sealWith is null ? null : new MemoryStream();
        BlockSealing.WriteHeader(_file, sealWith);
    }

    public int TraceCount => _ids.Count;

    /// <summary>Adds every trace of a frozen head, sorted by trace ID, and the head's links. The head's traces must
    /// all sort after those added before, and its table use this block's dictionaries.</summary>
    public void AddHead(HeadBlock head)
    {
        if (!ReferenceEquals(head.Table.Dictionaries, _dictionaries)) throw new InvalidOperationException("the head's dictionaries are not the block's");
        var order = SortedTraces(head);
        var blockOrdinal = new int[order.Length];
        for (var t = 0; t < order.Length; t++)
        {
            var (traceId, ordinal) = order[t];
            blockOrdinal[ordinal] = TraceCount;
            _trace.Load(head, ordinal);
            AddTrace(head.Table, traceId, _trace.Rows, _trace.Parents);
        }
        foreach (var (target, row) in head.Links.All())
            _links.Add(target, blockOrdinal[head.TraceOfRow(row)], head.Table.Starts.Items[row]);
    }

    private static (UInt128 Id, int Ordinal)[] SortedTraces(HeadBlock head)
    {
        var traces = new (UInt128, int)[head.TraceCount];
        for (var ordinal = 0; ordinal < traces.Length; ordinal++)
            traces[ordinal] = (head.Table.TraceIds.Items[head.FirstRowOfTrace(ordinal)], ordinal);
        Array.Sort(traces, (a, b) => a.Item1.CompareTo(b.Item1));
        return traces;
    }

    /// <summary>Adds one trace: its rows sorted by start, each with its parent's index among them (<see cref="TraceRows"/>).</summary>
    private void AddTrace(SpanTable table, UInt128 traceId, ReadOnlySpan<int> rows, ReadOnlySpan<int> parents)
    {
        var t = TraceCount;
        if (t > 0 && traceId <= _ids.Items[t - 1]) throw new InvalidOperationException("traces must be added in ascending trace ID order, each once");
        ulong start = ulong.MaxValue, end = 0, maxDuration = 0;
        int errors = 0, rootService = 0, rootName = 0, earliestNonRoot = -1;
        var hasRoot = false;
        _serviceBuffer.Clear();
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            start = Math.Min(start, table.Starts.Items[row]);
            end = Math.Max(end, table.Ends.Items[row]);
            var isError = table.StatusCode(row) == 2;
            if (isError) errors++;
            maxDuration = Math.Max(maxDuration, (ulong)table.Duration(row));
            var service = ServiceOf(table.Resources.Items[row]);
            if (!_serviceBuffer.Contains(service)) _serviceBuffer.Add(service);
            var parent = parents[i];
            if (parent == TraceRows.Root && !hasRoot)
            {
                hasRoot = true;
                rootService = service;
                rootName = table.Names.Items[row];
            }
            else if (parent != TraceRows.Root && earliestNonRoot < 0) earliestNonRoot = row;
            if (parent >= 0)
            {
                var parentService = ServiceOf(table.Resources.Items[rows[parent]]);
                if (parentService != service)
                {
                    var key = ((long)(table.Starts.Items[row] / 60_000_000_000UL), parentService, service);
                    ref var counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_dependencies, key, out _);
                    counts = (counts.Calls + 1, counts.Errors + (isError ? 1 : 0));
                }
            }
            _operations.Add((service, table.Names.Items[row], table.Kind(row)));
            _postingSlots.Add(table, row, t, service);
            var extra = table.Extra.Items[row];
            if (extra >= 0) ExtraKeys.Add(table.ExtraData.Items[extra].Span, _extraKeys, _eventNames);
        }
        if (!hasRoot && earliestNonRoot >= 0)
        {
            rootService = ServiceOf(table.Resources.Items[earliestNonRoot]);
            rootName = table.Names.Items[earliestNonRoot];
        }
        _serviceBuffer.Sort();
        _ids.Add(traceId);
        _spanCounts.Add(rows.Length);
        _starts.Add(start);
        _ends.Add(end);
        _errors.Add(errors);
        _maxDurations.Add(maxDuration);
        _rootServices.Add(rootService);
        _rootNames.Add(rootName);
        _hasRoot.Add(hasRoot);
        _serviceSetIds.Add(_serviceSets.Intern(CollectionsMarshal.AsSpan(_serviceBuffer)));

        _encoder.AddTrace(table, rows, parents, start);
        _rows += rows.Length;
        if (_encoder.RowCount >= _rowGroupSpans) WriteRowGroup();
    }

    /// <summary>The service name's string id of a resource, interned once per resource.</summary>
    private int ServiceOf(int resource)
    {
        if (resource >= _serviceOfResource.Length)
        {
            var grown = new int[Math.Max(resource + 1, _serviceOfResource.Length * 2)];
            Array.Fill(grown, -1, _serviceOfResource.Length, grown.Length - _serviceOfResource.Length);
            _serviceOfResource.CopyTo(grown, 0);
            _serviceOfResource = grown;
        }
        ref var service = ref _serviceOfResource[resource];
        if (service < 0) service = _dictionaries.Strings.Intern(_dictionaries.Resources[resource].Service);
        return service;
    }

    private void WriteRowGroup()
    {
        var offset = _file.Position;
        _plainGroup?.SetLength(0);
        var (compressed, raw, keys, checksums) = _encoder.WriteTo(_plainGroup ?? (Stream)_file);
        if (_sealWith is not null)
            BlockSealing.WriteSealed(_file, _sealWith, _plainGroup!.GetBuffer().AsSpan(0, (int)_plainGroup.Length), _rowGroups.Count, ref _sealBuffer);
        _rowGroups.Add(new RowGroupInfo(_groupFirstTrace, TraceCount - _groupFirstTrace, _groupFirstRow, _encoder.RowCount,
            offset, compressed, raw, keys, _formatVersion >= 3 ? checksums : []));
        _groupFirstTrace = TraceCount;
        _groupFirstRow += _encoder.RowCount;
        _encoder.Reset();
    }

    /// <summary>Writes the last row group, the footer and the trailer, and flushes the file to disk.</summary>
    public void Finish(long firstSegment, long lastSegment)
    {
        if (_encoder.RowCount > 0) WriteRowGroup();
        var starts = _starts.ToArray();
        var ends = _ends.ToArray();
        var traces = new TraceTable
        {
            Ids = _ids.ToArray(), SpanCounts = _spanCounts.ToArray(), Starts = starts, Ends = ends, Errors = _errors.ToArray(),
            MaxSpanDurations = _maxDurations.ToArray(), RootServices = _rootServices.ToArray(), RootNames = _rootNames.ToArray(),
            HasRoot = _hasRoot.ToArray(), ServiceSets = _serviceSetIds.ToArray(),
        };
        var limit = AttributeIndexPolicy.KeyLimit(TraceCount);
        var footer = new BlockFooter
        {
            FirstSegment = firstSegment,
            LastSegment = lastSegment,
            SpanCount = _rows,
            MinStart = starts.Length == 0 ? 0 : starts.Min(),
            MaxEnd = ends.Length == 0 ? 0 : ends.Max(),
            Dictionaries = _dictionaries,
            Shapes = _shapes.ToArray(),
            Traces = traces,
            ServiceSets = _serviceSets.ToArray(),
            RowGroups = [.. _rowGroups],
            Postings = _postings.Build(key => _postingSlots.Indexed(key, limit)),
            Dependencies = _dependencies.Select(d => new DependencyBucket(d.Key.Minute, d.Key.Parent, d.Key.Child, d.Value.Calls, d.Value.Errors)).ToArray(),
            Operations = [.. _operations],
            SpanKeys = _shapes.ToArray().SelectMany(shape => shape).Distinct().ToArray(),
            Links = _links.Build(),
            ExtraKeys = [.. _extraKeys.Order(StringComparer.Ordinal)],
            EventNames = [.. _eventNames.Order(StringComparer.Ordinal)],
            FormatVersion = _formatVersion,
        };
        WriteFooter(footer);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Writes the footer (from version 6 its sections, then the table of where they lie) and the trailer,
    /// which points at the footer (or the table) and carries its CRC-32C.</summary>
    private void WriteFooter(BlockFooter footer)
    {
        var raw = new ByteWriter(1 << 20);
        if (_formatVersion >= BlockFooter.SectionedVersion)
        {
            var sections = new List<FooterPlace>();
            foreach (var section in Enum.GetValues<FooterSection>())
            {
                raw.Clear();
                footer.WriteSection(raw, section);
                sections.Add(WriteUnit(raw, BlockSealing.FooterUnit - 1 - (int)section));
            }
            raw.Clear();
            footer.WriteTable(raw, sections);
        }
        else footer.Write(raw);
        var table = WriteUnit(raw, BlockSealing.FooterUnit);
        var trailer = new ByteWriter(BlockWriter.TrailerSize);
        trailer.WriteFixed32((uint)table.StoredLength);
        trailer.WriteFixed32((uint)table.RawLength);
        trailer.WriteFixed32(table.Crc);
        trailer.WriteRaw(_sealWith is null ? BlockWriter.Magic : BlockSealing.Magic);
        _file.Write(trailer.WrittenSpan);
    }

    /// <summary>Writes <paramref name="raw"/> compressed (and sealed as <paramref name="unit"/>) at the file's end.</summary>
    private FooterPlace WriteUnit(ByteWriter raw, int unit)
    {
        var offset = _file.Position;
        var compressed = Codec.Compress(raw.WrittenSpan);
        ReadOnlySpan<byte> stored = compressed;
        if (_sealWith is not null)
        {
            var length = BlockSealing.WriteSealed(_file, _sealWith, compressed, unit, ref _sealBuffer);
            stored = _sealBuffer.AsSpan(0, length);
        }
        else _file.Write(compressed);
        return new FooterPlace(offset, stored.Length, raw.Length, Crc32C.Compute(stored));
    }

    public void Dispose()
    {
        _file.Dispose();
        _plainGroup?.Dispose();
    }

    /// <summary>
    /// Adds a row's posting keys (service, name, span attribute values, resource attributes) to the builder,
    /// remembering the slots of the keys that repeat on every span (services, names, resources) so that only span
    /// attribute values are looked up. A span attribute key stops getting entries once it has more distinct values
    /// than any block of the expected size indexes, unless it is a request target (<see cref="AttributeIndexPolicy"/>);
    /// which keys keep their lists is decided at the end (<see cref="Indexed"/>), when the number of traces is known.
    /// </summary>
    private sealed class PostingSlots(Dictionaries dictionaries, PostingIndex.Builder postings, int keyLimitBound)
    {
        private int[] _serviceSlots = [];
        private int[] _nameSlots = [];
        private int[]?[] _resourceSlots = [];
        // Per attribute key, the last value seen and its slot: a trace's spans mostly share namespace, pod, ...
        private int[] _lastValue = [];
        private int[] _lastSlot = [];
        // Per attribute key, its distinct values (value ids ≥ 0) seen so far.
        private int[] _distinct = [];
        // Per attribute key, whether it is indexed whatever its values: 0 not looked up yet, 1 yes, -1 no.
        private sbyte[] _always = [];

        public void Add(SpanTable table, int row, int trace, int service)
        {
            postings.Add(Cached(ref _serviceSlots, service, PostingKind.Service), trace);
            postings.Add(Cached(ref _nameSlots, table.Names.Items[row], PostingKind.Name), trace);
            var (start, end) = table.AttrRange(row);
            var keys = table.AttrKeys.Items;
            var values = table.AttrValues.Items;
            for (var i = start; i < end; i++)
            {
                var value = values[i];
                if (value >= 0 && AttributeSlot(keys[i], value) is var slot and >= 0) postings.Add(slot, trace);
            }
            var resource = table.Resources.Items[row];
            foreach (var slot in ResourceSlots(resource)) postings.Add(slot, trace);
        }

        /// <summary>Whether a posting key's list goes into a block of traces whose key limit is <paramref name="limit"/>.</summary>
        public bool Indexed(ulong packed, int limit)
        {
            if ((PostingKind)(packed >> 62) != PostingKind.SpanAttribute) return true;
            var key = (int)((packed >> 32) & 0x3FFF_FFFF);
            return _distinct[key] <= limit || AlwaysIndexed(key);
        }

        /// <summary>Whether <paramref name="key"/> keeps its postings however many values it has, read once per key.</summary>
        private bool AlwaysIndexed(int key)
        {
            if (_always[key] == 0) _always[key] = AttributeIndexPolicy.AlwaysIndexed(dictionaries.Strings[key]) ? (sbyte)1 : (sbyte)-1;
            return _always[key] > 0;
        }

        private int[] ResourceSlots(int resource)
        {
            if (resource >= _resourceSlots.Length) Array.Resize(ref _resourceSlots, Math.Max(resource + 1, _resourceSlots.Length * 2));
            return _resourceSlots[resource] ??= [.. dictionaries.Resources[resource].Attributes
                .Select(a => postings.Slot(PostingIndex.Pack(PostingKind.ResourceAttribute, dictionaries.Strings.Intern(a.Key),
                    dictionaries.InternedValues.InternString(a.Value))))];
        }

        /// <summary>The slot of (key, value); -1 once the key has too many distinct values to be indexed.</summary>
        private int AttributeSlot(int key, int value)
        {
            if (key >= _lastValue.Length)
            {
                var size = Math.Max(key + 1, _lastValue.Length * 2);
                var grown = new int[size];
                Array.Fill(grown, -1);
                _lastValue.CopyTo(grown, 0);
                _lastValue = grown;
                Array.Resize(ref _lastSlot, size);
                Array.Resize(ref _distinct, size);
                Array.Resize(ref _always, size);
            }
            if (_lastValue[key] == value) return _lastSlot[key];
            if (_distinct[key] > keyLimitBound && !AlwaysIndexed(key)) return -1;
            var slots = postings.SlotCount;
            var slot = postings.Slot(PostingIndex.Pack(PostingKind.SpanAttribute, key, value));
            if (postings.SlotCount > slots) _distinct[key]++;
            _lastValue[key] = value;
            return _lastSlot[key] = slot;
        }

        private int Cached(ref int[] slots, int id, PostingKind kind)
        {
            if (id >= slots.Length)
            {
                var grown = new int[Math.Max(id + 1, slots.Length * 2)];
                Array.Fill(grown, -1, slots.Length, grown.Length - slots.Length);
                slots.CopyTo(grown, 0);
                slots = grown;
            }
            if (slots[id] < 0) slots[id] = postings.Slot(PostingIndex.Pack(kind, 0, id));
            return slots[id];
        }
    }
}
