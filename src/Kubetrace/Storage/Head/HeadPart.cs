using Kubetrace.Storage.Model;
using Kubetrace.Storage.Query;

namespace Kubetrace.Storage.Head;

/// <summary>Queries over a head block (live or frozen): the head has no index but the trace map, so it scans.</summary>
internal sealed class HeadPart(HeadBlock head) : ITracePart
{
    public HeadBlock Head { get; } = head;

    public ulong MinStart => Head.MinStart;
    public ulong MaxEnd => Head.MaxEnd;

    private SpanTable Table => Head.Table;

    public void CollectRows(UInt128 traceId, List<(SpanTable Table, int Row)> rows)
    {
        foreach (var row in Head.RowsOf(traceId)) rows.Add((Table, row));
    }

    public bool AddToSummary(UInt128 traceId, SummaryBuilder summary)
    {
        var rows = Head.RowsOf(traceId);
        foreach (var row in rows) summary.AddRow(Table, row);
        return rows.Count > 0;
    }

    /// <summary>The head keeps no catalog of event and link keys (it is small and in memory): it may hold any.</summary>
    public bool MayHoldKeys(IReadOnlyList<string> keys) => true;

    public void FindCandidates(SpanFilter filter, List<Candidate> candidates)
    {
        var count = Table.Count;
        var seen = new bool[Head.TraceCount];
        var traceIds = Table.TraceIds.Items;
        for (var row = 0; row < count; row++)
        {
            var ordinal = Head.TraceOfRow(row);
            if (ordinal >= seen.Length || seen[ordinal] || !filter.Matches(Table, row)) continue;
            seen[ordinal] = true;
            candidates.Add(new Candidate(traceIds[row], Head.TraceStart(ordinal), this, Exact: true));
        }
    }

    public IEnumerable<UInt128> TraceIds()
    {
        var published = Table.Count;
        for (var ordinal = 0; ordinal < Head.TraceCount; ordinal++)
        {
            var row = Head.FirstRowOfTrace(ordinal);
            if (row < published) yield return Table.TraceIds.Items[row];
        }
    }

    public void FindLinkingTraces(IReadOnlyCollection<UInt128> targets, TimeRange range, List<LinkingTrace> found)
    {
        var rows = new List<int>();
        foreach (var target in targets)
        {
            rows.Clear();
            Head.Links.RowsLinkingTo(target, rows);
            foreach (var row in rows)
            {
                var start = (long)Math.Min(Table.Starts.Items[row], long.MaxValue);
                if (range.Contains(start)) found.Add(new LinkingTrace(new TraceId(Table.TraceIds.Items[row]), new TraceId(target), start));
            }
        }
    }

    public IEnumerable<string> Services() => Table.Dictionaries.Resources.Items().Select(r => r.Service).Distinct();

    public IEnumerable<(string Service, string Name, int Kind)> Operations()
    {
        var seen = new HashSet<(int Resource, int Name, int Kind)>();
        var count = Table.Count;
        for (var row = 0; row < count; row++)
            seen.Add((Table.Resources.Items[row], Table.Names.Items[row], Table.Kind(row)));
        return seen.Select(o => (Table.Dictionaries.Resources[o.Resource].Service, Table.Dictionaries.Strings[o.Name], o.Kind));
    }

    public IEnumerable<string> AttributeNames(AttributeScope scope)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        if (scope != AttributeScope.Resource)
        {
            var keys = new HashSet<int>();
            var count = Table.AttrEnds.Items[Math.Max(0, Table.Count - 1)];
            for (var i = 0; i < count && Table.Count > 0; i++) keys.Add(Table.AttrKeys.Items[i]);
            foreach (var key in keys) names.Add(Table.Dictionaries.Strings[key]);
        }
        if (scope != AttributeScope.Span)
            foreach (var resource in Table.Dictionaries.Resources.Items())
            foreach (var attribute in resource.Attributes)
                names.Add(attribute.Key);
        return names;
    }

    public IEnumerable<string> AttributeValues(AttributeScope scope, string key)
    {
        var values = new HashSet<string>(StringComparer.Ordinal);
        if (scope != AttributeScope.Resource && Table.Count > 0)
        {
            var keyId = Table.Dictionaries.Strings.Find(key);
            var count = Table.AttrEnds.Items[Table.Count - 1];
            var ids = new HashSet<int>();
            for (var i = 0; keyId >= 0 && i < count; i++)
                if (Table.AttrKeys.Items[i] == keyId) ids.Add(Table.AttrValues.Items[i]);
            foreach (var id in ids) values.Add(Table.ValueText(id));
        }
        if (scope != AttributeScope.Span)
            foreach (var resource in Table.Dictionaries.Resources.Items())
                if (resource.Find(key) is { } value) values.Add(value);
        return values;
    }

    public void AddDependencies(TimeRange range, Dictionary<(string Parent, string Child), (long Calls, long Errors)> edges) =>
        HeadDependencies.Scan(Head, (start, parent, child, error) =>
        {
            if (!range.Contains((long)start)) return;
            edges.TryGetValue((parent, child), out var counts);
            edges[(parent, child)] = (counts.Calls + 1, counts.Errors + (error ? 1 : 0));
        });
}
