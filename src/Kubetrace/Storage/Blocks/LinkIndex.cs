using Kubetrace.Storage.Encoding;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// A block's reverse link table: for every span link, the linked (target) trace ID → the ordinal of the trace
/// holding the linking span, and that span's start; sorted by target, so "who links to trace X" is a binary
/// search instead of a read of every row group's extras. Kept in the footer (format version 2).
/// </summary>
internal sealed class LinkIndex
{
    private LinkIndex(UInt128[] targets, int[] traces, ulong[] starts)
    {
        Targets = targets;
        Traces = traces;
        Starts = starts;
    }

    public static LinkIndex Empty { get; } = new([], [], []);

    public UInt128[] Targets { get; }
    /// <summary>Ordinal in the block's trace table of the trace holding the linking span.</summary>
    public int[] Traces { get; }
    /// <summary>Start (Unix ns) of the linking span.</summary>
    public ulong[] Starts { get; }

    public int Count => Targets.Length;

    /// <summary>Managed bytes of the table's arrays.</summary>
    public long Bytes => Count * 28L + 3 * 24;

    /// <summary>Calls <paramref name="found"/>(target, trace ordinal, start) for each link to <paramref name="target"/> whose linking span starts in the range.</summary>
    public void Find(UInt128 target, TimeRange range, Action<UInt128, int, ulong> found)
    {
        var i = LowerBound(target);
        for (; i < Targets.Length && Targets[i] == target; i++)
            if (range.Contains((long)Math.Min(Starts[i], long.MaxValue))) found(target, Traces[i], Starts[i]);
    }

    private int LowerBound(UInt128 target)
    {
        int lo = 0, hi = Targets.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Targets[mid] < target) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>
    /// Targets as 16 bytes each, then trace ordinals, then each start as its offset into the linking trace (from the
    /// trace table's start: a few bytes, where an absolute time takes eight).
    /// </summary>
    public void Write(ByteWriter w, TraceTable traces)
    {
        w.WriteVarint(Targets.Length);
        foreach (var target in Targets) w.WriteUInt128(target);
        foreach (var trace in Traces) w.WriteVarint(trace);
        for (var i = 0; i < Starts.Length; i++) w.WriteVarint(Starts[i] - Math.Min(Starts[i], traces.Starts[Traces[i]]));
    }

    public static LinkIndex Read(ByteReader r, TraceTable traces)
    {
        var traceCount = traces.Count;
        var count = r.ReadInt();
        var targets = new UInt128[count];
        for (var i = 0; i < count; i++) targets[i] = r.ReadUInt128();
        var ordinals = new int[count];
        for (var i = 0; i < count; i++)
        {
            ordinals[i] = r.ReadInt();
            if ((uint)ordinals[i] >= (uint)traceCount) throw new InvalidDataException($"link index: trace ordinal {ordinals[i]} out of range");
        }
        var starts = new ulong[count];
        for (var i = 0; i < count; i++) starts[i] = traces.Starts[ordinals[i]] + r.ReadVarint();
        return new LinkIndex(targets, ordinals, starts);
    }

    /// <summary>Collects links in any order; <see cref="Build"/> sorts them by target, then trace.</summary>
    public sealed class Builder
    {
        private readonly List<(UInt128 Target, int Trace, ulong Start)> _links = [];

        public int Count => _links.Count;

        public void Add(UInt128 target, int trace, ulong start) => _links.Add((target, trace, start));

        public LinkIndex Build()
        {
            if (_links.Count == 0) return Empty;
            _links.Sort();
            return new LinkIndex([.. _links.Select(l => l.Target)], [.. _links.Select(l => l.Trace)], [.. _links.Select(l => l.Start)]);
        }
    }
}
