using Kubetrace.Storage.Query;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>Search: the most recent traces with a span for which the conditions hold.</summary>
public sealed partial class ClickHouseTraceStore
{
    /// <summary>How far back the first round of a search looks; each further round looks 8 times as far.</summary>
    private const long FirstSearchWindowNanos = ClickHouseSchema.RollupWindowNanos;

    /// <summary>
    /// Ranked by the trace's first span start, newest first, exactly (the trace index knows that start whatever the
    /// range). Read newest part first: the last minute of the range, then 8 times as much, until the whole range. A
    /// trace that starts inside the part read has its matching span there too, so the traces found starting there
    /// outrank every trace not found yet; once <c>limit</c> of them match, the older parts cannot change the answer.
    /// The spans are ordered by (minute, trace ID), so a round reads only its own minutes: the 20 most recent of a
    /// busy service are found in the last minute's spans instead of the whole range's (10M spans: 1 s → ms).
    /// </summary>
    public async ValueTask<IReadOnlyList<TraceMatch>> FetchAsync(FetchRequest request, CancellationToken cancellationToken)
    {
        var resources = _schema.OnEveryShardAtOnce(ClickHouseSchema.Resources);
        var (clause, exact) = SqlConditions.Where(request.Conditions, request.AllConditions, resources);
        if (request.AnywhereKeys.Count > 0) clause = $"({clause}) AND {SqlConditions.AnywhereKeys(request.AnywhereKeys, resources)}";
        var search = new Search(request, clause, exact, new StoredSpanFilter(request));
        var range = request.Range;
        for (var window = FirstSearchWindowNanos; ; window = window > long.MaxValue / 8 ? long.MaxValue : window * 8)
        {
            // The length as unsigned: exact for any range a request can state, however far apart its ends.
            var whole = range.EndUnixNano <= range.StartUnixNano || unchecked((ulong)(range.EndUnixNano - range.StartUnixNano)) <= (ulong)window;
            var from = whole ? range.StartUnixNano : range.EndUnixNano - window;
            await SearchFromAsync(search, from, whole, cancellationToken).ConfigureAwait(false);
            if (whole || search.CountStartingFrom(from) >= search.Limit)
                // Shown, like the embedded store's, by their start; in a part, only the traces whose rank is sure.
                return search.Matches.Where(m => whole || m.First >= from)
                    .OrderByDescending(m => m.Match.Summary.StartUnixNano).ThenBy(m => m.Match.Summary.TraceId).Select(m => m.Match).ToList();
        }
    }

    /// <summary>One round: the matching traces with a span starting from <paramref name="from"/> to the range's end.</summary>
    private async Task SearchFromAsync(Search search, long from, bool whole, CancellationToken cancellationToken)
    {
        // When SQL cannot decide exactly, ask for more candidates than needed, and for more again while too few pass.
        var candidates = search.Exact ? search.Limit : search.Limit * 4 + 16;
        while (true)
        {
            var data = await _http.QueryAsync(
                $"SELECT trace_id, min(min_start) AS first FROM {ClickHouseSchema.TraceIndex} WHERE trace_id IN " +
                $"(SELECT trace_id FROM {ClickHouseSchema.Spans} WHERE {Sql.StartIn(from, search.Request.Range.EndUnixNano)} AND ({search.Clause})) " +
                $"GROUP BY trace_id ORDER BY first DESC, trace_id LIMIT {candidates}{Sql.NoAutomaticPrewhere} FORMAT RowBinary", cancellationToken).ConfigureAwait(false);
            var found = ReadTraceStarts(data);
            var fresh = found.Where(f => search.Considered.Add(f.TraceId)).ToList();
            foreach (var chunk in fresh.Chunk(500))
            {
                var firsts = chunk.ToDictionary(f => f.TraceId, f => f.First);
                var rows = await ReadTracesAsync(chunk.Select(f => f.TraceId).ToList(), cancellationToken).ConfigureAwait(false);
                foreach (var trace in rows.GroupBy(r => r.TraceId))
                {
                    var spans = SpanIdentities.Distinct(trace);
                    var matched = spans.Where(search.Filter.Matches).ToList();
                    if (matched.Count == 0) continue;
                    search.Matches.Add((new TraceMatch(Summarize(trace.Key, spans),
                        matched.Take(search.Request.SpansPerTrace).Select(s => s.ToMatchedSpan()).ToList()), firsts[trace.Key]));
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
            var enough = search.CountStartingFrom(whole ? long.MinValue : from) >= search.Limit;
            if (enough || found.Count < candidates || search.Exact) return;
            candidates *= 4;
        }
    }

    /// <summary>A search's state across its rounds: the traces read (each once) and those that matched.</summary>
    private sealed record Search(FetchRequest Request, string Clause, bool Exact, StoredSpanFilter Filter)
    {
        public int Limit { get; } = Math.Max(1, Request.Limit);
        public HashSet<TraceId> Considered { get; } = [];
        public List<(TraceMatch Match, long First)> Matches { get; } = [];

        public int CountStartingFrom(long from) => Matches.Count(m => m.First >= from);
    }

    /// <param name="spans">The trace's spans, each once (<see cref="SpanIdentities.Distinct"/>).</param>
    private static TraceSummary Summarize(TraceId traceId, IEnumerable<StoredSpan> spans)
    {
        var builder = new SummaryBuilder(traceId);
        foreach (var span in spans)
        {
            builder.AddPart(span.Start, span.End, 1, span.StatusCode == 2 ? 1 : 0, [span.Service]);
            if (span.ParentSpanId == 0) builder.SetRoot(span.Service, span.Name);
            else builder.NoteEarliest(span.Start, span.Service, span.Name);
        }
        return builder.Build();
    }

    private static List<(TraceId TraceId, long First)> ReadTraceStarts(ReadOnlySpan<byte> data)
    {
        var ids = new List<(TraceId, long)>();
        var reader = new RowBinaryReader(data);
        while (!reader.End) ids.Add((reader.TraceId(), (long)reader.UInt64()));
        return ids;
    }
}
