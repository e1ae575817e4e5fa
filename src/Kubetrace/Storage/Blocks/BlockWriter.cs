using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Encryption;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Writes a frozen head as an immutable block file:
/// <c>"KTB1" | row groups (zstd columns) | footer (zstd) | footer length u32 | raw length u32 | CRC-32C u32 | "KTB1"</c>.
/// Written to a temporary name, fsynced, then renamed, so a block file is either complete or absent. With a key,
/// the row groups and the footer are sealed (<see cref="BlockSealing"/>).
/// </summary>
internal static class BlockWriter
{
    public static readonly byte[] Magic = "KTB1"u8.ToArray();
    public const int TrailerSize = 16;

    /// <param name="formatVersion">The footer version to write (<see cref="BlockFooter.Version"/>; 1 leaves the link table out).</param>
    /// <param name="sealWith">Seals the block; null: plaintext.</param>
    public static void Write(HeadBlock head, string path, int rowGroupSpans, int formatVersion = BlockFooter.Version, StoreKey? sealWith = null)
    {
        var table = head.Table;
        var strings = table.Dictionaries.Strings;
        var traceOrder = SortedTraces(head);
        var traceCount = traceOrder.Length;

        var ids = new UInt128[traceCount];
        var spanCounts = new int[traceCount];
        var starts = new ulong[traceCount];
        var ends = new ulong[traceCount];
        var errors = new int[traceCount];
        var maxDurations = new ulong[traceCount];
        var rootServices = new int[traceCount];
        var rootNames = new int[traceCount];
        var hasRoot = new bool[traceCount];
        var serviceSetIds = new int[traceCount];
        var serviceSets = new ShapeTable();
        var shapes = new ShapeTable();
        var indexedKeys = IndexedKeys(table, traceCount);
        var postings = new PostingIndex.Builder();
        var dependencies = new Dictionary<(long Minute, int Parent, int Child), (long Calls, long Errors)>();
        var operations = new HashSet<(int, int, int)>();
        var rowGroups = new List<RowGroupInfo>();
        var serviceIdOfResource = new int[table.Dictionaries.Resources.Count];
        for (var r = 0; r < serviceIdOfResource.Length; r++)
            serviceIdOfResource[r] = strings.Intern(table.Dictionaries.Resources[r].Service);
        var resourcePostings = ResourcePostingKeys(table);

        var postingSlots = new PostingSlots(table, postings, resourcePostings);

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        BlockSealing.WriteHeader(file, sealWith);
        // Sealed, a row group is gathered here first (the buffers are kept from group to group).
        var plainGroup = sealWith is null ? null : new MemoryStream();
        var sealBuffer = Array.Empty<byte>();
        var trace = new TraceRows();
        var serviceBuffer = new List<int>();
        var encoder = new RowGroupEncoder(table, shapes);
        int groupFirstTrace = 0, groupFirstRow = 0, row0 = 0;

        for (var t = 0; t < traceCount; t++)
        {
            var (traceId, ordinal) = traceOrder[t];
            trace.Load(head, ordinal);
            var rows = trace.Rows;
            var parents = trace.Parents;

            ids[t] = traceId;
            spanCounts[t] = rows.Length;
            starts[t] = ulong.MaxValue;
            var earliestNonRoot = -1;
            serviceBuffer.Clear();
            for (var i = 0; i < rows.Length; i++)
            {
                var row = rows[i];
                starts[t] = Math.Min(starts[t], table.Starts.Items[row]);
                ends[t] = Math.Max(ends[t], table.Ends.Items[row]);
                var isError = table.StatusCode(row) == 2;
                if (isError) errors[t]++;
                maxDurations[t] = Math.Max(maxDurations[t], (ulong)table.Duration(row));
                var service = serviceIdOfResource[table.Resources.Items[row]];
                if (!serviceBuffer.Contains(service)) serviceBuffer.Add(service);
                var parent = parents[i];
                if (parent == TraceRows.Root && !hasRoot[t])
                {
                    hasRoot[t] = true;
                    rootServices[t] = service;
                    rootNames[t] = table.Names.Items[row];
                }
                else if (parent != TraceRows.Root && earliestNonRoot < 0) earliestNonRoot = row;
                if (parent >= 0)
                {
                    var parentService = serviceIdOfResource[table.Resources.Items[rows[parent]]];
                    if (parentService != service)
                    {
                        var key = ((long)(table.Starts.Items[row] / 60_000_000_000UL), parentService, service);
                        ref var counts = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(dependencies, key, out _);
                        counts = (counts.Calls + 1, counts.Errors + (isError ? 1 : 0));
                    }
                }
                operations.Add((service, table.Names.Items[row], table.Kind(row)));
                postingSlots.Add(row, t, service, indexedKeys);
            }
            if (!hasRoot[t] && earliestNonRoot >= 0)
            {
                rootServices[t] = serviceIdOfResource[table.Resources.Items[earliestNonRoot]];
                rootNames[t] = table.Names.Items[earliestNonRoot];
            }
            serviceBuffer.Sort();
            serviceSetIds[t] = serviceSets.Intern(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(serviceBuffer));

            encoder.AddTrace(rows, parents, starts[t]);
            if (encoder.RowCount >= rowGroupSpans || t == traceCount - 1)
            {
                var offset = file.Position;
                plainGroup?.SetLength(0);
                var (compressed, raw, keys, checksums) = encoder.WriteTo(plainGroup ?? (Stream)file);
                if (sealWith is not null)
                    BlockSealing.WriteSealed(file, sealWith, plainGroup!.GetBuffer().AsSpan(0, (int)plainGroup.Length), rowGroups.Count, ref sealBuffer);
                rowGroups.Add(new RowGroupInfo(groupFirstTrace, t + 1 - groupFirstTrace, groupFirstRow, encoder.RowCount,
                    offset, compressed, raw, keys, formatVersion >= 3 ? checksums : []));
                groupFirstTrace = t + 1;
                groupFirstRow += encoder.RowCount;
                encoder.Reset();
            }
            row0 += rows.Length;
        }

        var traces = new TraceTable
        {
            Ids = ids, SpanCounts = spanCounts, Starts = starts, Ends = ends, Errors = errors,
            MaxSpanDurations = maxDurations, RootServices = rootServices, RootNames = rootNames, HasRoot = hasRoot,
            ServiceSets = serviceSetIds,
        };
        var extras = ExtraKeys.Of(table);
        var footer = new BlockFooter
        {
            FirstSegment = head.FirstSegment,
            LastSegment = head.LastSegment,
            SpanCount = row0,
            MinStart = traceCount == 0 ? 0 : starts.Min(),
            MaxEnd = traceCount == 0 ? 0 : ends.Max(),
            Dictionaries = table.Dictionaries,
            Shapes = shapes.ToArray(),
            Traces = traces,
            ServiceSets = serviceSets.ToArray(),
            RowGroups = [.. rowGroups],
            Postings = postings.Build(),
            Dependencies = dependencies.Select(d => new DependencyBucket(d.Key.Minute, d.Key.Parent, d.Key.Child, d.Value.Calls, d.Value.Errors)).ToArray(),
            Operations = [.. operations],
            SpanKeys = shapes.ToArray().SelectMany(shape => shape).Distinct().ToArray(),
            Links = LinkTable(head, traceOrder),
            ExtraKeys = extras.Keys,
            EventNames = extras.EventNames,
            FormatVersion = formatVersion,
        };
        WriteFooter(file, footer, sealWith, ref sealBuffer);
        file.Flush(flushToDisk: true);
    }

    private static (UInt128 Id, int Ordinal)[] SortedTraces(HeadBlock head)
    {
        var traces = new (UInt128, int)[head.TraceCount];
        for (var ordinal = 0; ordinal < traces.Length; ordinal++)
            traces[ordinal] = (head.Table.TraceIds.Items[head.FirstRowOfTrace(ordinal)], ordinal);
        Array.Sort(traces, (a, b) => a.Item1.CompareTo(b.Item1));
        return traces;
    }

    /// <summary>The head's links with each linking row's trace as its ordinal in the block (sorted by trace ID).</summary>
    private static LinkIndex LinkTable(HeadBlock head, (UInt128 Id, int Ordinal)[] traceOrder)
    {
        var blockOrdinal = new int[traceOrder.Length];
        for (var t = 0; t < traceOrder.Length; t++) blockOrdinal[traceOrder[t].Ordinal] = t;
        var links = new LinkIndex.Builder();
        foreach (var (target, row) in head.Links.All())
            links.Add(target, blockOrdinal[head.TraceOfRow(row)], head.Table.Starts.Items[row]);
        return links.Build();
    }

    /// <summary>Span attribute keys worth a posting list (by key id): not UUIDs and not nearly unique per trace.</summary>
    private static bool[] IndexedKeys(SpanTable table, int traceCount)
    {
        var limit = Math.Max(256, traceCount / 2);
        var keyCount = table.Dictionaries.Strings.Count;
        var valueCount = table.Dictionaries.Values.Count;
        var seen = new System.Collections.BitArray?[keyCount];
        var distinct = new int[keyCount];
        var count = table.Count == 0 ? 0 : table.AttrEnds.Items[table.Count - 1];
        var keys = table.AttrKeys.Items;
        var values = table.AttrValues.Items;
        for (var i = 0; i < count; i++)
        {
            var value = values[i];
            if (value < 0) continue;
            var key = keys[i];
            if (distinct[key] > limit) continue;
            var bits = seen[key] ??= new System.Collections.BitArray(valueCount);
            if (bits[value]) continue;
            bits[value] = true;
            distinct[key]++;
        }
        var indexed = new bool[keyCount];
        for (var key = 0; key < keyCount; key++) indexed[key] = seen[key] is not null && distinct[key] <= limit;
        return indexed;
    }

    /// <summary>The posting keys of each resource's attributes, computed once per resource.</summary>
    private static ulong[][] ResourcePostingKeys(SpanTable table)
    {
        var dictionaries = table.Dictionaries;
        var keys = new ulong[dictionaries.Resources.Count][];
        for (var r = 0; r < keys.Length; r++)
            keys[r] = dictionaries.Resources[r].Attributes
                .Select(a => PostingIndex.Pack(PostingKind.ResourceAttribute, dictionaries.Strings.Intern(a.Key),
                    dictionaries.Values.InternString(a.Value)))
                .ToArray();
        return keys;
    }

    private static void WriteFooter(FileStream file, BlockFooter footer, StoreKey? key, ref byte[] sealBuffer)
    {
        var raw = new ByteWriter(1 << 20);
        footer.Write(raw);
        var compressed = Codec.Compress(raw.WrittenSpan);
        ReadOnlySpan<byte> stored = compressed;
        if (key is not null)
        {
            var length = BlockSealing.WriteSealed(file, key, compressed, -1, ref sealBuffer);
            stored = sealBuffer.AsSpan(0, length);
        }
        else file.Write(compressed);
        var trailer = new ByteWriter(TrailerSize);
        trailer.WriteFixed32((uint)stored.Length);
        trailer.WriteFixed32((uint)raw.Length);
        trailer.WriteFixed32(Crc32C.Compute(stored));
        trailer.WriteRaw(key is null ? Magic : BlockSealing.Magic);
        file.Write(trailer.WrittenSpan);
    }

    /// <summary>
    /// Adds a row's posting keys (service, name, indexed span attributes, resource attributes) to the builder,
    /// remembering the slots of the keys that repeat on every span (services, names, resources) so that only span
    /// attribute values are looked up.
    /// </summary>
    private sealed class PostingSlots(SpanTable table, PostingIndex.Builder postings, ulong[][] resourcePostings)
    {
        private int[] _serviceSlots = [];
        private int[] _nameSlots = [];
        private readonly int[]?[] _resourceSlots = new int[]?[resourcePostings.Length];
        // Per attribute key, the last value seen and its slot: a trace's spans mostly share namespace, pod, ...
        private int[] _lastValue = [];
        private int[] _lastSlot = [];

        public void Add(int row, int trace, int service, bool[] indexedKeys)
        {
            postings.Add(Cached(ref _serviceSlots, service, PostingKind.Service), trace);
            postings.Add(Cached(ref _nameSlots, table.Names.Items[row], PostingKind.Name), trace);
            var (start, end) = table.AttrRange(row);
            var keys = table.AttrKeys.Items;
            var values = table.AttrValues.Items;
            for (var i = start; i < end; i++)
            {
                var key = keys[i];
                var value = values[i];
                if (value >= 0 && key < indexedKeys.Length && indexedKeys[key]) postings.Add(AttributeSlot(key, value), trace);
            }
            var resource = table.Resources.Items[row];
            var slots = _resourceSlots[resource] ??= [.. resourcePostings[resource].Select(postings.Slot)];
            foreach (var slot in slots) postings.Add(slot, trace);
        }

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
            }
            if (_lastValue[key] == value) return _lastSlot[key];
            _lastValue[key] = value;
            return _lastSlot[key] = postings.Slot(PostingIndex.Pack(PostingKind.SpanAttribute, key, value));
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
