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
            if (request.AnywhereKeys.Count > 0 && !part.MayHoldKeys(request.AnywhereKeys)) continue;
            part.FindCandidates(filter, candidates);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Newest first, lazily: a broad search has a candidate for nearly every trace, but only the first few are
        // needed, so the candidates are heapified (linear) and popped, never fully sorted.
        var queue = new PriorityQueue<int, ulong>(candidates.Select((c, i) => (i, ulong.MaxValue - c.Start)));
        var results = new List<TraceMatch>();
        var considered = new HashSet<UInt128>();
        var rows = new List<(SpanTable Table, int Row)>();
        var limit = Math.Max(1, request.Limit);
        while (results.Count < limit && queue.TryDequeue(out var index, out _))
        {
            var candidate = candidates[index];
            if (!considered.Add(candidate.TraceId)) continue;
            cancellationToken.ThrowIfCancellationRequested();
            var exact = candidate.Exact;
            var matched = new List<MatchedSpan>();
            if (!exact || request.SpansPerTrace > 0)
            {
                rows.Clear();
                foreach (var part in parts) part.CollectRows(candidate.TraceId, rows);
                foreach (var (table, row) in rows)
                {
                    if (!filter.Matches(table, row)) continue;
                    exact = true;
                    if (matched.Count < request.SpansPerTrace) matched.Add(ToMatchedSpan(table, row));
                }
                if (!exact) continue;
            }
            results.Add(new TraceMatch(Summarize(parts, candidate.TraceId), matched));
        }
        // A trace spread over parts was ranked by the share that proposed it; show them by their real start.
        results.Sort((a, b) => b.Summary.StartUnixNano.CompareTo(a.Summary.StartUnixNano));
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
