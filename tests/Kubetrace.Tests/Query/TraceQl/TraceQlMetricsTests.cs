using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// TraceQL metrics on simulated control-plane traffic, checked against values computed directly from the spans
/// that were sent: counts, rates, min/max/sum/avg per service, quantiles to the power-of-two bucket (Tempo's
/// histogram), topk, and a query that must read whole traces (a span attribute) as well as one the scan serves.
/// </summary>
public sealed class TraceQlMetricsTests(SimulatedMetricsTraffic traffic) : IClassFixture<SimulatedMetricsTraffic>
{
    private IEnumerable<(ResourceSpans Resource, Span Span)> Sent => traffic.Sent.Select(x => (x.Resource, x.Span));

    private Task<IReadOnlyList<Series>> Query(string traceQl) => traffic.Query(traceQl);

    private int IntervalOf(Span span) => traffic.IntervalOf(span);

    private static string Service(ResourceSpans r) => SimulatedMetricsTraffic.Service(r);

    private static string Label(Series s, string key) => SimulatedMetricsTraffic.Label(s, key);

    private Dictionary<(string, int), List<Span>> ByServiceAndInterval(Func<Span, bool> filter) =>
        Sent.Where(x => filter(x.Span) && IntervalOf(x.Span) >= 0)
            .GroupBy(x => (Service(x.Resource), IntervalOf(x.Span)))
            .ToDictionary(g => g.Key, g => g.Select(x => x.Span).ToList());

    [Fact]
    public async Task Counts_and_rates_per_service_equal_the_spans_sent()
    {
        var expected = ByServiceAndInterval(_ => true);
        var series = await Query("{ } | count_over_time() by (resource.service.name)");
        Assert.Equal(expected.Keys.Select(k => k.Item1).Distinct().Order(), series.Select(s => Label(s, "resource.service.name")).Order());
        foreach (var s in series)
            for (var i = 0; i < s.Values.Length; i++)
                Assert.Equal(expected.GetValueOrDefault((Label(s, "resource.service.name"), i))?.Count ?? 0, s.Values[i]);

        var rate = Assert.Single(await Query("{ } | rate()"));
        Assert.Equal("rate", Label(rate, "__name__"));
        for (var i = 0; i < rate.Values.Length; i++)
            Assert.Equal(expected.Where(e => e.Key.Item2 == i).Sum(e => e.Value.Count) / 5.0, rate.Values[i], 9);
    }

    [Fact]
    public async Task Duration_aggregates_are_in_seconds_per_interval()
    {
        static double Seconds(Span s) => (s.EndTimeUnixNano - s.StartTimeUnixNano) / 1e9;
        var expected = ByServiceAndInterval(s => s.Kind == Span.Types.SpanKind.Server);
        foreach (var (fn, compute) in new (string, Func<List<Span>, double>)[]
                 {
                     ("max_over_time", l => l.Max(Seconds)), ("min_over_time", l => l.Min(Seconds)),
                     ("sum_over_time", l => l.Sum(Seconds)), ("avg_over_time", l => l.Average(Seconds)),
                 })
        {
            var series = await Query($"{{ kind = server }} | {fn}(duration) by (resource.service.name)");
            Assert.NotEmpty(series);
            foreach (var s in series)
                for (var i = 0; i < s.Values.Length; i++)
                {
                    if (expected.GetValueOrDefault((Label(s, "resource.service.name"), i)) is { } spans) Assert.Equal(compute(spans), s.Values[i], 6);
                    else Assert.True(double.IsNaN(s.Values[i]), $"{fn} has a value where no span was");
                }
        }
    }

    [Fact]
    public async Task Quantiles_fall_in_the_power_of_two_bucket_of_the_exact_value()
    {
        var series = await Query("{ } | quantile_over_time(duration, .5, .99)");
        Assert.Equal(2, series.Count);
        foreach (var s in series)
        {
            var p = s.Labels.First(l => l.Key == "p").Value.AsFloat;
            for (var i = 0; i < s.Values.Length; i++)
            {
                var durations = Sent.Where(x => IntervalOf(x.Span) == i).Select(x => (double)(x.Span.EndTimeUnixNano - x.Span.StartTimeUnixNano) / 1e9).Order().ToList();
                if (durations.Count == 0) continue;
                var exact = durations[Math.Max(0, (int)Math.Ceiling(p * durations.Count) - 1)];
                // Tempo interpolates between the sample's power-of-two bucket and the previous non-empty one.
                var below = durations.LastOrDefault(d => d <= exact / 2);
                Assert.InRange(s.Values[i], below, exact * 2.0001);
            }
        }
        var histogram = await Query("{ } | histogram_over_time(duration)");
        for (var i = 0; i < 8; i++)
            Assert.Equal(Sent.Count(x => IntervalOf(x.Span) == i), histogram.Sum(h => h.Values[i]));
    }

    [Fact]
    public async Task Topk_keeps_the_highest_series_of_each_interval()
    {
        var all = await Query("{ } | count_over_time() by (resource.service.name)");
        var top = await Query("{ } | count_over_time() by (resource.service.name) | topk(1)");
        for (var i = 0; i < 8; i++)
        {
            var best = all.Max(s => s.Values[i]);
            var chosen = top.Where(s => !double.IsNaN(s.Values[i])).ToList();
            Assert.Single(chosen);
            Assert.Equal(best, chosen[0].Values[i]);
        }
    }

    [Fact]
    public async Task Span_attribute_queries_read_whole_traces_and_agree()
    {
        var key = Sent.SelectMany(x => x.Span.Attributes).First(a => a.Value.ValueCase == Kubetrace.Otlp.Proto.Common.AnyValue.ValueOneofCase.StringValue).Key;
        var expected = Sent.Where(x => x.Span.Attributes.Any(a => a.Key == key) && IntervalOf(x.Span) >= 0).ToList();
        var series = await Query($"{{ span.{key} != nil }} | count_over_time()");
        Assert.Equal(expected.Count, Assert.Single(series).Values.Sum());
        var errors = await Query("{ status = error } | count_over_time()");
        Assert.Equal(Sent.Count(x => x.Span.Status?.Code == Status.Types.StatusCode.Error && IntervalOf(x.Span) >= 0),
            errors.Sum(s => s.Values.Sum()));
    }

    [Fact]
    public async Task Arithmetic_between_queries_divides_series_by_series()
    {
        var ratio = Assert.Single(await Query("({ kind = server } | count_over_time()) / ({ } | count_over_time())"));
        var all = Assert.Single(await Query("{ } | count_over_time()"));
        var servers = Assert.Single(await Query("{ kind = server } | count_over_time()"));
        for (var i = 0; i < 8; i++) Assert.Equal(servers.Values[i] / all.Values[i], ratio.Values[i], 9);
        var percent = Assert.Single(await Query("100 * ({ kind = server } | count_over_time()) / ({ } | count_over_time())"));
        Assert.Equal(ratio.Values.Select(v => Math.Round(100 * v, 6)), percent.Values.Select(v => Math.Round(v, 6)));
    }
}
