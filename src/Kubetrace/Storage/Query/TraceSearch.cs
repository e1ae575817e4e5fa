using Kubetrace.Storage.Blocks;
using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Query;

/// <summary>
/// Runs a fetch over the parts of a store: each part proposes candidates from its index, the newest traces are
/// checked (when the index was not exact) and summarised over every part that holds a piece of them.
/// </summary>
internal static class TraceSearch
{
    /// <param name="indexBytes">Bytes of block indexes the search may hold for its whole length (<see cref="FooterLease"/>).</param>
    public static List<TraceMatch> Run(IReadOnlyList<ITracePart> parts, FetchRequest request, long indexBytes, CancellationToken cancellationToken)
    {
        using var footers = FooterLease.Begin(indexBytes); // each block's footer once for the whole search, not per candidate
        var filter = new SpanFilter(request);
        // Newest parts first, asked for candidates only when they may hold one newer than the next to check: a
        // search for the 20 newest traces reads the newest blocks and stops (a candidate starts before its part ends).
        var pending = new Queue<ITracePart>(parts
            .Where(part => part.MinStart == ulong.MaxValue || request.Range.Overlaps((long)part.MinStart, (long)Math.Min(part.MaxEnd, long.MaxValue)))
            .Where(part => request.AnywhereKeys.Count == 0 || part.MayHoldKeys(request.AnywhereKeys))
            .OrderByDescending(part => part.MaxEnd));
        var found = new List<Candidate>();
        var queue = new PriorityQueue<Candidate, ulong>();
        var results = new List<TraceMatch>();
        var considered = new HashSet<UInt128>();
        var rows = new List<(SpanTable Table, int Row)>();
        var limit = Math.Max(1, request.Limit);
        var oldestResult = ulong.MaxValue;
        while (true)
        {
            while (pending.TryPeek(out var next) && (queue.Count == 0 || next.MaxEnd >= queue.Peek().Start))
            {
                found.Clear();
                pending.Dequeue().FindCandidates(filter, found);
                queue.EnqueueRange(found.Select(c => (c, ulong.MaxValue - c.Start))); // heapified in linear time into an empty queue
                cancellationToken.ThrowIfCancellationRequested();
            }
            if (!queue.TryDequeue(out var candidate, out _)) break;
            // Enough: unless the most recent are wanted exactly, and this candidate's trace (which started no
            // later than this part of it) may still have started after the oldest result.
            if (results.Count >= limit && (!request.MostRecent || candidate.Start < oldestResult)) break;
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
            var match = new TraceMatch(Summarize(parts, candidate.TraceId), matched);
            results.Add(match);
            if (request.MostRecent) oldestResult = results.Count < limit ? ulong.MaxValue : OldestOfNewest(results, limit);
        }
        // A trace spread over parts was ranked by the share that proposed it; show them by their real start.
        results.Sort((a, b) => b.Summary.StartUnixNano.CompareTo(a.Summary.StartUnixNano));
        if (request.MostRecent && results.Count > limit) results.RemoveRange(limit, results.Count - limit);
        return results;
    }

    /// <summary>The start of the <paramref name="limit"/>-th latest trace of the results.</summary>
    private static ulong OldestOfNewest(List<TraceMatch> results, int limit)
    {
        if (results.Count == limit) return (ulong)results.Min(r => r.Summary.StartUnixNano);
        return (ulong)results.Select(r => r.Summary.StartUnixNano).OrderDescending().ElementAt(limit - 1);
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
