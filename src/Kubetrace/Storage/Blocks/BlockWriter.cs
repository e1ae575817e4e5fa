using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Head;
using Kubetrace.Storage.Model;
using Kubetrace.Storage.Wal;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Writes a frozen head as an immutable block file:
/// <c>"KTB1" | row groups (zstd columns) | footer (zstd) | footer length u32 | raw length u32 | CRC-32C u32 | "KTB1"</c>.
/// Written to a temporary name, fsynced, then renamed, so a block file is either complete or absent.
/// </summary>
internal static class BlockWriter
{
    public static readonly byte[] Magic = "KTB1"u8.ToArray();
    public const int TrailerSize = 16;

    public static void Write(HeadBlock head, string path, int rowGroupSpans)
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

        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        file.Write(Magic);
        var rows = new List<int>();
        var serviceBuffer = new List<int>();
        var spanIdsOfTrace = new Dictionary<ulong, int>();
        RowGroupEncoder? encoder = null;
        int groupFirstTrace = 0, groupFirstRow = 0, row0 = 0;

        for (var t = 0; t < traceCount; t++)
        {
            var (traceId, ordinal) = traceOrder[t];
            rows.Clear();
            for (var row = head.FirstRowOfTrace(ordinal); row >= 0; row = head.NextRowInTrace(row)) rows.Add(row);
            rows.Sort((a, b) => table.Starts.Items[a].CompareTo(table.Starts.Items[b]));

            ids[t] = traceId;
            spanCounts[t] = rows.Count;
            starts[t] = ulong.MaxValue;
            var earliestNonRoot = -1;
            serviceBuffer.Clear();
            spanIdsOfTrace.Clear();
            foreach (var row in rows) spanIdsOfTrace.TryAdd(table.SpanIds.Items[row], row);
            foreach (var row in rows)
            {
                starts[t] = Math.Min(starts[t], table.Starts.Items[row]);
                ends[t] = Math.Max(ends[t], table.Ends.Items[row]);
                var isError = table.StatusCode(row) == 2;
                if (isError) errors[t]++;
                maxDurations[t] = Math.Max(maxDurations[t], (ulong)table.Duration(row));
                var service = serviceIdOfResource[table.Resources.Items[row]];
                if (!serviceBuffer.Contains(service)) serviceBuffer.Add(service);
                var parent = table.ParentSpanIds.Items[row];
                if (parent == 0 && !hasRoot[t])
                {
                    hasRoot[t] = true;
                    rootServices[t] = service;
                    rootNames[t] = table.Names.Items[row];
                }
                else if (parent != 0 && earliestNonRoot < 0) earliestNonRoot = row;
                if (parent != 0 && spanIdsOfTrace.TryGetValue(parent, out var parentRow))
                {
                    var parentService = serviceIdOfResource[table.Resources.Items[parentRow]];
                    if (parentService != service)
                    {
                        var key = ((long)(table.Starts.Items[row] / 60_000_000_000UL), parentService, service);
                        dependencies.TryGetValue(key, out var counts);
                        dependencies[key] = (counts.Calls + 1, counts.Errors + (isError ? 1 : 0));
                    }
                }
                operations.Add((service, table.Names.Items[row], table.Kind(row)));
                AddPostings(table, row, t, service, indexedKeys, postings, resourcePostings);
            }
            if (!hasRoot[t] && earliestNonRoot >= 0)
            {
                rootServices[t] = serviceIdOfResource[table.Resources.Items[earliestNonRoot]];
                rootNames[t] = table.Names.Items[earliestNonRoot];
            }
            serviceBuffer.Sort();
            serviceSetIds[t] = serviceSets.Intern(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(serviceBuffer));

            encoder ??= new RowGroupEncoder(table, shapes);
            encoder.AddTrace(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows), starts[t]);
            if (encoder.RowCount >= rowGroupSpans || t == traceCount - 1)
            {
                var offset = file.Position;
                var (compressed, raw, keys) = encoder.WriteTo(file);
                rowGroups.Add(new RowGroupInfo(groupFirstTrace, t + 1 - groupFirstTrace, groupFirstRow, encoder.RowCount,
                    offset, compressed, raw, keys));
                groupFirstTrace = t + 1;
                groupFirstRow += encoder.RowCount;
                encoder = null;
            }
            row0 += rows.Count;
        }

        var traces = new TraceTable
        {
            Ids = ids, SpanCounts = spanCounts, Starts = starts, Ends = ends, Errors = errors,
            MaxSpanDurations = maxDurations, RootServices = rootServices, RootNames = rootNames, HasRoot = hasRoot,
            ServiceSets = serviceSetIds,
        };
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
        };
        WriteFooter(file, footer);
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

    private static void AddPostings(SpanTable table, int row, int trace, int service, bool[] indexedKeys,
        PostingIndex.Builder postings, ulong[][] resourcePostings)
    {
        postings.Add(PostingIndex.Pack(PostingKind.Service, 0, service), trace);
        postings.Add(PostingIndex.Pack(PostingKind.Name, 0, table.Names.Items[row]), trace);
        var (start, end) = table.AttrRange(row);
        for (var i = start; i < end; i++)
        {
            var key = table.AttrKeys.Items[i];
            var value = table.AttrValues.Items[i];
            if (value >= 0 && key < indexedKeys.Length && indexedKeys[key])
                postings.Add(PostingIndex.Pack(PostingKind.SpanAttribute, key, value), trace);
        }
        foreach (var key in resourcePostings[table.Resources.Items[row]]) postings.Add(key, trace);
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

    private static void WriteFooter(FileStream file, BlockFooter footer)
    {
        var raw = new ByteWriter(1 << 20);
        footer.Write(raw);
        var compressed = Codec.Compress(raw.WrittenSpan);
        file.Write(compressed);
        var trailer = new ByteWriter(TrailerSize);
        trailer.WriteFixed32((uint)compressed.Length);
        trailer.WriteFixed32((uint)raw.Length);
        trailer.WriteFixed32(Crc32C.Compute(compressed));
        trailer.WriteRaw(Magic);
        file.Write(trailer.WrittenSpan);
    }
}
