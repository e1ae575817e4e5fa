using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl.Metrics;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// Exemplars of TraceQL metrics on simulated traffic: every exemplar names a span that was sent, matches the
/// query and its series, lies in the step it is reported for, and carries the value Tempo gives it (the series'
/// value for rate, count and histogram; the span's own value for quantiles and min/max); at most one per trace,
/// no more than asked for, none when the query's hint turns them off.
/// </summary>
public sealed class TraceQlExemplarTests(SimulatedMetricsTraffic traffic) : IClassFixture<SimulatedMetricsTraffic>
{
    private (ResourceSpans Resource, ScopeSpans Scope, Span Span) SpanOf(Exemplar e) =>
        traffic.Sent.Single(x => Convert.ToHexStringLower(x.Span.SpanId.Span) == e.SpanId &&
                                 Convert.ToHexStringLower(x.Span.TraceId.Span).TrimStart('0') == e.TraceId);

    private void AssertRealSpanInItsStep(Series series, Exemplar e, Func<Span, bool> matches)
    {
        var (resource, _, span) = SpanOf(e);
        Assert.True(matches(span), $"exemplar span {e.SpanId} does not match the query");
        // A by() series' exemplar has the series' service (compare's totals are labelled "nil", not by value).
        if (series.Labels.FirstOrDefault(l => l.Key == "resource.service.name") is { Key: not null } service && series.Labels[0].Key != "__meta_type")
            Assert.Equal(service.Value.AsString, SimulatedMetricsTraffic.Service(resource));
        Assert.Equal(e.Interval, traffic.IntervalOf(span));
        Assert.Equal((long)span.StartTimeUnixNano / 1_000_000, e.TimestampMs);
    }

    private static double Seconds(Span s) => (s.EndTimeUnixNano - s.StartTimeUnixNano) / 1e9;

    [Theory]
    [InlineData("rate")]
    [InlineData("count_over_time")]
    public async Task Rate_and_count_exemplars_are_matching_spans_valued_at_their_step(string function)
    {
        var series = await traffic.Query($"{{ kind = server }} | {function}() by (resource.service.name)");
        var exemplars = series.SelectMany(s => s.Exemplars.Select(e => (s, e))).ToList();
        Assert.NotEmpty(exemplars);
        Assert.InRange(exemplars.Count, 1, 100);
        Assert.Equal(exemplars.Count, exemplars.Select(x => x.e.TraceId).Distinct().Count());
        foreach (var (s, e) in exemplars)
        {
            AssertRealSpanInItsStep(s, e, span => span.Kind == Span.Types.SpanKind.Server);
            Assert.Equal(s.Values[e.Interval], e.Value);
        }
        // Spread over the range rather than all in the first steps.
        Assert.True(exemplars.Select(x => x.e.Interval).Distinct().Count() >= 4);
    }

    [Fact]
    public async Task Quantile_and_max_exemplars_carry_the_spans_duration()
    {
        foreach (var query in new[] { "{ } | quantile_over_time(duration, .5, .99)", "{ } | max_over_time(duration) by (resource.service.name)" })
        {
            var series = await traffic.Query(query);
            var exemplars = series.SelectMany(s => s.Exemplars.Select(e => (s, e))).ToList();
            Assert.NotEmpty(exemplars);
            foreach (var (s, e) in exemplars)
            {
                AssertRealSpanInItsStep(s, e, _ => true);
                Assert.Equal(Seconds(SpanOf(e).Span), e.Value, 9);
            }
        }
    }

    [Fact]
    public async Task Histogram_exemplars_sit_in_the_bucket_of_their_spans_duration()
    {
        var series = await traffic.Query("{ } | histogram_over_time(duration)");
        var exemplars = series.SelectMany(s => s.Exemplars.Select(e => (s, e))).ToList();
        Assert.NotEmpty(exemplars);
        foreach (var (s, e) in exemplars)
        {
            AssertRealSpanInItsStep(s, e, _ => true);
            var bucket = s.Labels.First(l => l.Key == "__bucket").Value.AsFloat;
            Assert.InRange(Seconds(SpanOf(e).Span), bucket / 2, bucket);
            Assert.Equal(s.Values[e.Interval], e.Value);
        }
    }

    [Fact]
    public async Task The_limit_and_the_hint_bound_the_exemplars()
    {
        var few = await traffic.Query("{ } | rate() by (resource.service.name)", exemplars: 6);
        Assert.InRange(few.Sum(s => s.Exemplars.Count), 1, 6);
        Assert.All(await traffic.Query("{ } | rate() with(exemplars=false)"), s => Assert.Empty(s.Exemplars));
        Assert.InRange((await traffic.Query("{ } | rate() with(exemplars=3)")).Sum(s => s.Exemplars.Count), 1, 3);
    }

    [Fact]
    public async Task Compare_exemplars_go_to_the_totals_of_their_side()
    {
        var series = await traffic.Query("{ } | compare({ kind = server })");
        var withExemplars = series.Where(s => s.Exemplars.Count > 0).ToList();
        Assert.NotEmpty(withExemplars);
        foreach (var s in withExemplars)
        {
            var metaType = SimulatedMetricsTraffic.Label(s, "__meta_type");
            Assert.EndsWith("_total", metaType);
            foreach (var e in s.Exemplars)
            {
                AssertRealSpanInItsStep(s, e, span => (span.Kind == Span.Types.SpanKind.Server) == (metaType == "selection_total"));
                Assert.Equal(s.Values[e.Interval], e.Value);
            }
        }
    }
}
