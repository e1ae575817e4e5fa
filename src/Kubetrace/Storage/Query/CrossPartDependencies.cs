using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>
/// Parent→child service calls whose two spans are in different parts (a block and the head, two blocks): each
/// part counts only the edges inside itself, and a trace straddling a head cut has its spans in two parts. Only
/// traces present in more than one part can have such edges, so only their rows are read.
/// </summary>
internal static class CrossPartDependencies
{
    public static void Add(IReadOnlyList<ITracePart> parts, TimeRange range,
        Dictionary<(string Parent, string Child), (long Calls, long Errors)> edges)
    {
        if (parts.Count < 2) return;
        var rows = new List<(SpanTable Table, int Row)>();
        var spans = new List<(int Part, SpanTable Table, int Row)>();
        var parentOf = new Dictionary<ulong, (int Part, string Service)>();
        foreach (var traceId in SplitTraces(parts))
        {
            spans.Clear();
            parentOf.Clear();
            for (var p = 0; p < parts.Count; p++)
            {
                rows.Clear();
                parts[p].CollectRows(traceId, rows);
                foreach (var (table, row) in rows)
                {
                    spans.Add((p, table, row));
                    parentOf.TryAdd(table.SpanIds.Items[row], (p, table.Service(row)));
                }
            }
            foreach (var (part, table, row) in spans)
            {
                var parentId = table.ParentSpanIds.Items[row];
                if (parentId == 0 || !parentOf.TryGetValue(parentId, out var parent) || parent.Part == part) continue;
                var child = table.Service(row);
                if (parent.Service == child || !range.Contains((long)table.Starts.Items[row])) continue;
                edges.TryGetValue((parent.Service, child), out var counts);
                edges[(parent.Service, child)] = (counts.Calls + 1, counts.Errors + (table.StatusCode(row) == 2 ? 1 : 0));
            }
        }
    }

    /// <summary>Trace IDs held by at least two parts.</summary>
    private static List<UInt128> SplitTraces(IReadOnlyList<ITracePart> parts)
    {
        var all = new List<UInt128>();
        foreach (var part in parts) all.AddRange(part.TraceIds());
        all.Sort();
        var split = new List<UInt128>();
        for (var i = 1; i < all.Count; i++)
            if (all[i] == all[i - 1] && (split.Count == 0 || split[^1] != all[i])) split.Add(all[i]);
        return split;
    }
}
