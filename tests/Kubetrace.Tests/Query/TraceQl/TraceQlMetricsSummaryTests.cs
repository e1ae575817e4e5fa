using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// Tempo's metrics summary (<c>/api/metrics/summary</c>, Grafana's "Aggregate by"): on simulated traffic, per group
/// the server and root spans the query matched in the range, their errors and their duration percentiles as Tempo's
/// power-of-two histogram gives them; Tempo's own percentile cases; and the groupBy forms Tempo accepts and refuses.
/// </summary>
public sealed class TraceQlMetricsSummaryTests(SimulatedMetricsTraffic traffic) : IClassFixture<SimulatedMetricsTraffic>
{
    /// <summary>Tempo's LatencyHistogram.Record: the power of two at or above the duration (0 under 2 ns), at most 63.</summary>
    private static long[] Histogram(IEnumerable<ulong> durations)
    {
        var buckets = new long[64];
        foreach (var d in durations) buckets[d < 2 ? 0 : Math.Min(63, (int)Math.Ceiling(Math.Log2(d)))]++;
        return buckets;
    }

    [Theory]
    [InlineData(new ulong[] { 2, 4, 6, 8 }, 0.5, 4UL)]
    [InlineData(new ulong[] { 2000, 2000, 2000, 2000, 2000, 4000, 4000, 4000, 4000, 4000 }, 0.75, 3104UL)] // 2048 · 2^(3/5)
    [InlineData(new ulong[] { 1 }, 1.0, 1UL)]
    [InlineData(new ulong[] { ulong.MaxValue }, 1.0, 1UL << 63)]
    [InlineData(new ulong[] { }, 1.0, 0UL)]
    public void Percentiles_are_Tempos(ulong[] durations, double p, ulong expected) =>
        Assert.Equal(expected, SpanMetricsSummary.Percentile(Histogram(durations), p));

    [Fact]
    public async Task Groups_count_the_server_and_root_spans_of_the_query_with_their_errors_and_percentiles()
    {
        bool Kept(Span s) => s.Kind == Span.Types.SpanKind.Server || s.ParentSpanId.IsEmpty;
        var expected = traffic.Sent
            .Where(x => Kept(x.Span) && (long)x.Span.StartTimeUnixNano >= traffic.From && (long)x.Span.StartTimeUnixNano < traffic.End && x.Span.Status?.Code != Status.Types.StatusCode.Ok)
            .GroupBy(x => SimulatedMetricsTraffic.Service(x.Resource))
            .ToDictionary(g => g.Key, g => g.Select(x => x.Span).ToList());
        Assert.True(expected.Count > 1, "the traffic has server or root spans of several services");

        var groups = await traffic.Summary("{ status != ok }", "resource.service.name");

        Assert.Equal(expected.Keys.Order(), groups.Select(g => g.Series.Single().Value.AsString).Order());
        foreach (var group in groups)
        {
            var (key, value) = group.Series.Single();
            Assert.Equal("resource.service.name", key);
            var spans = expected[value.AsString];
            Assert.Equal(spans.Count, group.SpanCount);
            Assert.Equal(spans.Count(s => s.Status?.Code == Status.Types.StatusCode.Error), group.ErrorSpanCount);
            var histogram = Histogram(spans.Select(s => s.EndTimeUnixNano - s.StartTimeUnixNano));
            Assert.Equal(
                new[] { 0.5, 0.9, 0.95, 0.99 }.Select(p => SpanMetricsSummary.Percentile(histogram, p)),
                new[] { group.P50, group.P90, group.P95, group.P99 });
        }
        Assert.Equal(groups.OrderByDescending(g => g.SpanCount).Select(g => g.SpanCount), groups.Select(g => g.SpanCount));
    }

    [Fact]
    public async Task Several_group_by_attributes_make_one_group_per_combination_keyed_as_written()
    {
        var groups = await traffic.Summary("{ }", "resource.service.name, kind,.no.such.attribute");

        Assert.All(groups, g => Assert.Equal(new[] { "resource.service.name", "kind", ".no.such.attribute" }, g.Series.Select(s => s.Key)));
        Assert.All(groups, g => Assert.Equal(StaticType.Kind, g.Series[1].Value.Type));
        Assert.All(groups, g => Assert.True(g.Series[2].Value.IsNil));
        Assert.Equal(groups.Count, groups.Select(g => (g.Series[0].Value.AsString, g.Series[1].Value.AsInt)).Distinct().Count());
    }

    [Theory]
    [InlineData("")]
    [InlineData("name,")]
    [InlineData("a,b,c,d,e,f")]
    [InlineData("name) | topk(1")]
    [InlineData("{ }")]
    public void A_group_by_that_is_not_one_to_five_attributes_is_refused(string groupBy) =>
        Assert.Throws<TraceQlException>(() => SpanMetricsSummary.ParseGroupBy(groupBy));

    [Fact]
    public async Task A_metrics_query_is_refused() =>
        await Assert.ThrowsAsync<TraceQlException>(() => traffic.Summary("{ } | rate()", "name"));
}
