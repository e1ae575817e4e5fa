using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// One entry per trace of a block, sorted by trace ID: enough to find a trace's rows (binary search) and to
/// summarise it without reading them. Stored column by column so that it compresses.
/// </summary>
internal sealed class TraceTable
{
    public required UInt128[] Ids { get; init; }
    public required int[] SpanCounts { get; init; }
    public required ulong[] Starts { get; init; }
    public required ulong[] Ends { get; init; }
    public required int[] Errors { get; init; }
    public required ulong[] MaxSpanDurations { get; init; }
    /// <summary>Service name (string id) of the root span, or of the earliest span when <see cref="HasRoot"/> is false.</summary>
    public required int[] RootServices { get; init; }
    public required int[] RootNames { get; init; }
    public required bool[] HasRoot { get; init; }
    public required int[] ServiceSets { get; init; }

    /// <summary>Row of each trace's first span within the block (prefix sums of span counts).</summary>
    public int[] FirstRows { get; private set; } = [];

    public int Count => Ids.Length;

    public static TraceTable Empty { get; } = new()
    {
        Ids = [], SpanCounts = [], Starts = [], Ends = [], Errors = [], MaxSpanDurations = [], RootServices = [], RootNames = [],
        HasRoot = [], ServiceSets = [],
    };

    public int Find(UInt128 traceId) => Array.BinarySearch(Ids, traceId);

    public void Write(ByteWriter w, ulong minStart)
    {
        w.WriteVarint(Ids.Length);
        foreach (var id in Ids) w.WriteUInt128(id);
        foreach (var v in SpanCounts) w.WriteVarint(v);
        foreach (var v in Starts) w.WriteVarint(v - minStart);
        for (var i = 0; i < Ends.Length; i++) w.WriteVarint(Ends[i] - Starts[i]);
        foreach (var v in Errors) w.WriteVarint(v);
        foreach (var v in MaxSpanDurations) w.WriteVarint(v);
        foreach (var v in RootServices) w.WriteVarint(v);
        foreach (var v in RootNames) w.WriteVarint(v);
        foreach (var v in HasRoot) w.WriteByte(v ? (byte)1 : (byte)0);
        foreach (var v in ServiceSets) w.WriteVarint(v);
    }

    public static TraceTable Read(ByteReader r, ulong minStart)
    {
        var count = r.ReadInt();
        var ids = new UInt128[count];
        for (var i = 0; i < count; i++) ids[i] = r.ReadUInt128();
        var spanCounts = Ints(r, count);
        var starts = new ulong[count];
        for (var i = 0; i < count; i++) starts[i] = minStart + r.ReadVarint();
        var ends = new ulong[count];
        for (var i = 0; i < count; i++) ends[i] = starts[i] + r.ReadVarint();
        var errors = Ints(r, count);
        var maxDurations = new ulong[count];
        for (var i = 0; i < count; i++) maxDurations[i] = r.ReadVarint();
        var rootServices = Ints(r, count);
        var rootNames = Ints(r, count);
        var hasRoot = new bool[count];
        for (var i = 0; i < count; i++) hasRoot[i] = r.ReadByte() != 0;
        var serviceSets = Ints(r, count);
        var table = new TraceTable
        {
            Ids = ids, SpanCounts = spanCounts, Starts = starts, Ends = ends, Errors = errors,
            MaxSpanDurations = maxDurations, RootServices = rootServices, RootNames = rootNames, HasRoot = hasRoot,
            ServiceSets = serviceSets,
        };
        table.ComputeFirstRows();
        return table;
    }

    public void ComputeFirstRows()
    {
        var first = new int[Ids.Length];
        var row = 0;
        for (var i = 0; i < first.Length; i++)
        {
            first[i] = row;
            row += SpanCounts[i];
        }
        FirstRows = first;
    }

    private static int[] Ints(ByteReader r, int count)
    {
        var values = new int[count];
        for (var i = 0; i < count; i++) values[i] = r.ReadInt();
        return values;
    }
}
