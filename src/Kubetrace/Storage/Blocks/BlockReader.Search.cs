using Kubetrace.Storage.Query;

namespace Kubetrace.Storage.Blocks;

/// <summary>
/// Search within a block from its indexes alone: posting lists for service, span name and attribute values, the
/// trace table for durations and errors. What the indexes cannot decide becomes an inexact candidate that the
/// store checks on the rows.
/// </summary>
internal sealed partial class BlockReader
{
    /// <summary>Trace ordinals (sorted) a condition allows; null means "any trace" (no index could narrow it).</summary>
    private readonly record struct Selection(int[]? Traces, bool Exact);

    public void FindCandidates(SpanFilter filter, List<Candidate> candidates)
    {
        var footer = Footer;
        var selection = Select(footer, filter);
        if (selection.Traces is null && !selection.Exact)
        {
            Scan(footer, filter, candidates);
            return;
        }
        var traces = footer.Traces;
        var range = filter.Request.Range;
        void Consider(int t)
        {
            if (!range.Overlaps((long)traces.Starts[t], (long)traces.Ends[t])) return;
            // Inside the range entirely: the matching span surely started in it.
            var inside = range.Contains((long)traces.Starts[t]) && range.Contains((long)traces.Ends[t]);
            candidates.Add(new Candidate(traces.Ids[t], traces.Starts[t], this, selection.Exact && inside));
        }
        if (selection.Traces is { } selected)
            foreach (var t in selected) Consider(t);
        else
            for (var t = 0; t < traces.Count; t++) Consider(t);
    }

    /// <summary>
    /// No index narrows the search (e.g. an unindexed high-cardinality attribute): read every row group once, in
    /// file order, and check the rows. Decoded groups bypass the cache so a scan does not evict hot traces.
    /// </summary>
    private void Scan(BlockFooter footer, SpanFilter filter, List<Candidate> candidates)
    {
        var traces = footer.Traces;
        for (var group = 0; group < footer.RowGroups.Length; group++)
        {
            var info = footer.RowGroups[group];
            if (DecodeUncached(group) is not { } table) continue;
            var row = 0;
            for (var trace = info.FirstTrace; trace < info.FirstTrace + info.TraceCount; trace++)
            {
                var end = row + traces.SpanCounts[trace];
                for (var r = row; r < end; r++)
                {
                    if (!filter.Matches(table, r)) continue;
                    candidates.Add(new Candidate(traces.Ids[trace], traces.Starts[trace], this, Exact: true));
                    break;
                }
                row = end;
            }
        }
    }

    private static Selection Select(BlockFooter footer, SpanFilter filter)
    {
        if (filter.Matchers.Length == 0) return new Selection(null, true);
        Selection? combined = null;
        foreach (var matcher in filter.Matchers)
        {
            var next = SelectOne(footer, matcher);
            combined = combined is not { } current ? next
                : filter.Request.AllConditions ? Intersect(current, next) : Union(current, next);
        }
        var result = combined!.Value;
        // Trace-level postings cannot tell whether several conditions hold on the same span.
        return filter.Request.AllConditions && filter.Matchers.Length > 1 ? result with { Exact = false } : result;
    }

    private static Selection SelectOne(BlockFooter footer, ConditionMatcher matcher)
    {
        var condition = matcher.Condition;
        switch (matcher.Intrinsic)
        {
            case Intrinsic.Service: return FromPostings(footer, PostingKind.Service, 0, matcher);
            case Intrinsic.Name: return FromPostings(footer, PostingKind.Name, 0, matcher);
            case Intrinsic.Duration when condition.Op is ConditionOp.Greater or ConditionOp.GreaterOrEqual:
                return FromTraceTable(footer.Traces, t => matcher.TestNumber((long)footer.Traces.MaxSpanDurations[t]));
            case Intrinsic.EventName:
                // A block listing its event names (format 5) without one the condition accepts holds no match; else
                // its rows are read, and only rows with extras are looked into.
                return footer.EventNames is { } names && !names.Any(name => matcher.Test(name)) ? new Selection([], true) : new Selection(null, false);
            case Intrinsic.Status when condition.Op == ConditionOp.Equal && condition.Value == "error":
                return FromTraceTable(footer.Traces, t => footer.Traces.Errors[t] > 0);
            case Intrinsic.None when condition.Scope != AttributeScope.Intrinsic:
                var keyId = footer.Dictionaries.Strings.Find(condition.Key);
                if (keyId < 0) return new Selection([], true);
                var selections = new List<Selection>();
                if (condition.Scope != AttributeScope.Resource)
                {
                    var indexed = footer.Postings.Range(PostingKind.SpanAttribute, keyId);
                    var hasKey = Array.IndexOf(footer.SpanKeys, keyId) >= 0;
                    selections.Add(indexed.Start < indexed.End || !hasKey
                        ? FromPostings(footer, PostingKind.SpanAttribute, keyId, matcher)
                        : new Selection(null, false));
                }
                if (condition.Scope != AttributeScope.Span)
                    selections.Add(FromPostings(footer, PostingKind.ResourceAttribute, keyId, matcher));
                return selections.Aggregate(Union);
            default:
                return new Selection(null, false);
        }
    }

    private static Selection FromPostings(BlockFooter footer, PostingKind kind, int keyId, ConditionMatcher matcher)
    {
        var postings = footer.Postings;
        var strings = footer.Dictionaries.Strings;
        var lists = new List<int[]>();
        if (matcher.Condition.Op == ConditionOp.Equal)
        {
            // Names and services are in the string table; attribute values in the value table.
            var found = kind is PostingKind.Name or PostingKind.Service
                ? strings.Find(matcher.Condition.Value ?? "")
                : footer.Dictionaries.Values.TryFindText(matcher.Condition.Value ?? "", out var valueId) ? valueId : -1;
            var index = found < 0 ? -1 : postings.Find(kind, keyId, found);
            if (index >= 0) lists.Add(postings.Decode(index));
        }
        else
        {
            var (start, end) = postings.Range(kind, keyId);
            for (var i = start; i < end; i++)
            {
                var value = PostingIndex.ValueOf(postings.KeyAt(i));
                var text = kind is PostingKind.Name or PostingKind.Service ? strings[value] : footer.Dictionaries.Values.Text(value);
                if (matcher.Test(text)) lists.Add(postings.Decode(i));
            }
        }
        return new Selection(Merge(lists), true);
    }

    private static Selection FromTraceTable(TraceTable traces, Func<int, bool> predicate)
    {
        var selected = new List<int>();
        for (var t = 0; t < traces.Count; t++)
            if (predicate(t)) selected.Add(t);
        return new Selection([.. selected], true);
    }

    private static Selection Intersect(Selection a, Selection b)
    {
        if (a.Traces is null) return b with { Exact = a.Exact && b.Exact };
        if (b.Traces is null) return a with { Exact = a.Exact && b.Exact };
        var result = new List<int>();
        int i = 0, j = 0;
        while (i < a.Traces.Length && j < b.Traces.Length)
        {
            if (a.Traces[i] < b.Traces[j]) i++;
            else if (a.Traces[i] > b.Traces[j]) j++;
            else { result.Add(a.Traces[i]); i++; j++; }
        }
        return new Selection([.. result], a.Exact && b.Exact);
    }

    private static Selection Union(Selection a, Selection b) =>
        a.Traces is null || b.Traces is null
            ? new Selection(null, false)
            : new Selection(Merge([a.Traces, b.Traces]), a.Exact && b.Exact);

    private static int[] Merge(List<int[]> lists)
    {
        if (lists.Count == 0) return [];
        if (lists.Count == 1) return lists[0];
        var all = lists.SelectMany(l => l).ToArray();
        Array.Sort(all);
        var unique = 0;
        for (var i = 0; i < all.Length; i++)
            if (i == 0 || all[i] != all[i - 1]) all[unique++] = all[i];
        return all[..unique];
    }
}
