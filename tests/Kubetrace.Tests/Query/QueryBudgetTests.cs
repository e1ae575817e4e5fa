using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Query;

/// <summary>
/// Every search keeps to its budget: a range, a limit or spans per trace beyond the configured maximum is refused
/// naming the key; bytes and spans held for the answer and the time spent stop the search early, which then answers
/// the newest traces it found with the limit named; a client that goes away cancels the search.
/// </summary>
public sealed class QueryBudgetTests
{
    private const int Traces = 40;

    /// <summary>40 traces (1 newest … 40 oldest), each of 3 spans with a 4 KB attribute: ~12 KB per trace.</summary>
    private static Task<TempStore> StoreWithBulkyTracesAsync() => BulkyTraces.StoreAsync(Traces);

    private static TraceQuery Everything(int limit = Traces) => new(TimeRange.All, [Condition.Service("apiserver")], limit);

    [Fact]
    public async Task A_search_whose_whole_traces_pass_max_bytes_per_query_answers_the_newest_that_fit_and_names_the_limit()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(store.Store, new QueryLimits { MaxBytesPerQuery = 200_000 });

        var result = await engine.SearchAsync(Everything() with { WholeTraces = true }, CancellationToken.None);

        Assert.Equal("max_bytes_per_query", result.Incomplete?.Limit);
        Assert.Contains("max_bytes_per_query (200,000 bytes)", result.Incomplete!.Message);
        Assert.InRange(result.Count, 10, 20); // ~12.4 KB each
        Assert.Equal(Enumerable.Range(1, result.Count), result.Select(f => (int)f.Summary.TraceId.Value));
        Assert.All(result, f => Assert.Equal(3, f.Spans.Sum(r => r.ScopeSpans.Sum(s => s.Spans.Count))));
    }

    [Fact]
    public async Task A_search_that_needs_only_the_matching_spans_holds_only_those_and_fits_where_whole_traces_do_not()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(store.Store, new QueryLimits { MaxBytesPerQuery = 200_000 });
        var query = new TraceQuery(TimeRange.All, [Condition.SpanName("etcd list")], Traces) { SpansPerTrace = 1 };

        var result = await engine.SearchAsync(query, CancellationToken.None);

        Assert.Null(result.Incomplete?.Message);
        Assert.Equal(Traces, result.Count);
        Assert.All(result, f => Assert.Empty(f.Spans));
        Assert.All(result, f => Assert.Equal("etcd list", Assert.Single(f.Matched).Span.Name));
        Assert.All(result, f => Assert.Equal(new ServiceSpanCount("apiserver", 3, 0), Assert.Single(f.ServiceStats)));
    }

    [Fact]
    public async Task A_search_past_max_spans_per_query_stops_there()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(store.Store, new QueryLimits { MaxSpansPerQuery = 10 });

        var result = await engine.SearchAsync(Everything() with { WholeTraces = true }, CancellationToken.None);

        Assert.Equal("max_spans_per_query", result.Incomplete?.Limit);
        Assert.Equal(3, result.Count); // 3 traces of 3 spans; a 4th would make 12
    }

    [Fact]
    public async Task A_search_that_reaches_query_timeout_answers_what_it_found_so_far()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(new SlowTraceReads(store.Store, TimeSpan.FromMilliseconds(100)),
            new QueryLimits { QueryTimeout = TimeSpan.FromMilliseconds(500) });

        var result = await engine.SearchAsync(Everything(), CancellationToken.None);

        Assert.Equal("query_timeout", result.Incomplete?.Limit);
        Assert.InRange(result.Count, 0, Traces / 2);
    }

    [Fact]
    public async Task A_client_that_goes_away_cancels_the_search()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(new SlowTraceReads(store.Store, TimeSpan.FromMilliseconds(100)));
        using var client = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => engine.SearchAsync(Everything(), client.Token));
    }

    [Theory]
    [InlineData(10, 20, 3, "max_result_limit")]
    [InlineData(100, 20, 200, "max_spans_per_span_set")]
    public async Task A_request_beyond_a_limit_is_refused_naming_it(int maxResultLimit, int limit, int spansPerTrace, string key)
    {
        await using var store = new TempStore();
        var engine = new QueryEngine(store.Store, new QueryLimits { MaxResultLimit = maxResultLimit, MaxSpansPerSpanSet = 100 });
        var query = new TraceQuery(TimeRange.All, [], limit) { SpansPerTrace = spansPerTrace };

        var refused = await Assert.ThrowsAsync<QueryLimitException>(() => engine.SearchAsync(query, CancellationToken.None));

        Assert.Equal(QueryRefusal.BadRequest, refused.Refusal);
        Assert.Equal(key, refused.Limit);
        Assert.Contains(key, refused.Message);
    }

    [Fact]
    public async Task A_range_longer_than_max_duration_is_refused_and_no_range_at_all_is_not()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var engine = new QueryEngine(store.Store, new QueryLimits { MaxDuration = TimeSpan.FromHours(1) });
        // Ranges ending when the traces were made, not now: a suite that ran an hour has left them behind.
        var refused = await Assert.ThrowsAsync<QueryLimitException>(() =>
            engine.SearchAsync(new TraceQuery(TimeRange.Last(TimeSpan.FromHours(2), Made), [], 20), CancellationToken.None));
        var withinAnHour = await engine.SearchAsync(new TraceQuery(Window, [], 20), CancellationToken.None);
        var unbounded = await engine.SearchAsync(new TraceQuery(TimeRange.All, [], 20), CancellationToken.None);

        Assert.Equal("max_duration", refused.Limit);
        Assert.Equal("the range from start to end (2h0m0s) is longer than max_duration (1h0m0s)", refused.Message);
        Assert.Equal(20, withinAnHour.Count);
        Assert.Equal(20, unbounded.Count);
    }

    [Fact]
    public async Task A_traceql_metrics_query_keeps_to_the_same_query_timeout_and_max_duration_and_is_refused_rather_than_cut()
    {
        await using var store = await StoreWithBulkyTracesAsync();
        var limits = new QueryLimits { QueryTimeout = TimeSpan.FromMilliseconds(500), MaxDuration = TimeSpan.FromHours(1) };
        var engine = new QueryEngine(new SlowTraceReads(store.Store, TimeSpan.FromMilliseconds(100)), limits);
        var start = StartNanos(0) - 60_000_000_000L;
        // An attribute condition is not in the span scan: the engine reads whole traces, each read slow.
        var query = Kubetrace.Query.TraceQl.Parser.Parse("{ span.blob != \"\" } | rate()");

        var timedOut = await Assert.ThrowsAsync<QueryLimitException>(() => engine.Metrics().QueryAsync(
            new Kubetrace.Query.TraceQl.Metrics.MetricsRequest(query, start, start + 600_000_000_000L, 60_000_000_000L), CancellationToken.None));
        var tooLong = await Assert.ThrowsAsync<QueryLimitException>(() => engine.Metrics().QueryAsync(
            new Kubetrace.Query.TraceQl.Metrics.MetricsRequest(query, start, start + 7_200_000_000_000L, 60_000_000_000L), CancellationToken.None));

        Assert.Equal(("query_timeout", QueryRefusal.Unavailable), (timedOut.Limit, timedOut.Refusal));
        Assert.Contains("ran past query_timeout (500ms)", timedOut.Message);
        Assert.Equal(("max_duration", QueryRefusal.BadRequest), (tooLong.Limit, tooLong.Refusal));
    }

    /// <summary>The real store, with every trace read taking a while (as on a slow disk).</summary>
    private sealed class SlowTraceReads(ITraceStore inner, TimeSpan delay) : DelegatingTraceStore(inner)
    {
        public override async ValueTask<IReadOnlyList<ResourceSpans>?> GetTraceAsync(TraceId traceId, CancellationToken cancellationToken)
        {
            await Task.Delay(delay, cancellationToken);
            return await base.GetTraceAsync(traceId, cancellationToken);
        }
    }
}
