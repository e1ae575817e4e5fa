using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>
/// Runs a fetch over the parts of a store: each part proposes candidates from its index, the newest traces are
/// checked (when the index was not exact) and summarised over every part that holds a piece of them.
/// </summary>
internal static class TraceSearch
{
    public static List<TraceMatch> Run(IReadOnlyList<ITracePart> parts, FetchRequest request, CancellationToken cancellationToken)
    {
        var filter = new SpanFilter(request);
        var candidates = new List<Candidate>();
        foreach (var part in parts)
        {
            if (part.MinStart != ulong.MaxValue && !request.Range.Overlaps((long)part.MinStart, (long)Math.Min(part.MaxEnd, long.MaxValue)))
                continue;
            part.FindCandidates(filter, candidates);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // One entry per trace (its earliest start over the parts, exact if any part was sure, the span of
        // candidates that proposed it), newest first. Struct sorts only: a broad search has one candidate per trace.
        candidates.Sort((a, b) => a.TraceId.CompareTo(b.TraceId));
        var merged = new List<(ulong Start, bool Exact, int First, int Count)>();
        for (var i = 0; i < candidates.Count;)
        {
            var j = i;
            var start = ulong.MaxValue;
            var exactAny = false;
            for (; j < candidates.Count && candidates[j].TraceId == candidates[i].TraceId; j++)
            {
                start = Math.Min(start, candidates[j].Start);
                exactAny |= candidates[j].Exact;
            }
            merged.Add((start, exactAny, i, j - i));
            i = j;
        }
        merged.Sort((a, b) => b.Start.CompareTo(a.Start));

        var results = new List<TraceMatch>();
        var rows = new List<(SpanTable Table, int Row)>();
        var limit = Math.Max(1, request.Limit);
        foreach (var (_, sure, first, count) in merged)
        {
            var traceId = candidates[first].TraceId;
            if (results.Count >= limit) break;
            cancellationToken.ThrowIfCancellationRequested();
            var exact = sure;
            var matched = new List<MatchedSpan>();
            if (!exact || request.SpansPerTrace > 0)
            {
                rows.Clear();
                // Checking only the proposing parts is complete: a part holding a matching span proposes the trace.
                if (exact) foreach (var part in parts) part.CollectRows(traceId, rows);
                else for (var k = first; k < first + count; k++) candidates[k].Part.CollectRows(traceId, rows);
                foreach (var (table, row) in rows)
                {
                    if (!filter.Matches(table, row)) continue;
                    exact = true;
                    if (matched.Count < request.SpansPerTrace) matched.Add(ToMatchedSpan(table, row));
                }
                if (!exact) continue;
            }
            results.Add(new TraceMatch(Summarize(parts, traceId), matched));
        }
        return results;
    }

    public static TraceSummary Summarize(IReadOnlyList<ITracePart> parts, UInt128 traceId)
    {
        var builder = new SummaryBuilder(new TraceId(traceId));
        foreach (var part in parts) part.AddToSummary(traceId, builder);
        return builder.Build();
    }

    private static MatchedSpan ToMatchedSpan(SpanTable table, int row)
    {
        var (start, end) = table.AttrRange(row);
        var attributes = new List<KeyValuePair<string, string>>(end - start);
        for (var i = start; i < end; i++)
            attributes.Add(KeyValuePair.Create(table.Dictionaries.Strings[table.AttrKeys.Items[i]], table.ValueText(table.AttrValues.Items[i])));
        return new MatchedSpan(table.SpanIds.Items[row], table.Service(row), table.Name(row),
            (long)table.Starts.Items[row], table.Duration(row), attributes);
    }
}
