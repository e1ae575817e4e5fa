using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// <c>compare()</c> on simulated traffic against counts made directly from the spans: per side (selection =
/// the spans the filter matches, baseline = the others), each attribute value's spans per step, the topN values
/// by their sum, totals per attribute, the optional selection window, and Tempo's argument checks.
/// </summary>
public sealed class TraceQlCompareTests(SimulatedMetricsTraffic traffic) : IClassFixture<SimulatedMetricsTraffic>
{
    private static bool IsServer(Span s) => s.Kind == Span.Types.SpanKind.Server;

    private static List<Series> Side(IReadOnlyList<Series> series, string metaType, string attribute) =>
        series.Where(s => SimulatedMetricsTraffic.Label(s, "__meta_type") == metaType && s.Labels[1].Key == attribute).ToList();

    /// <summary>Spans per (value, step) of one side, counted from what was sent.</summary>
    private Dictionary<string, double[]> Expected(Func<(ResourceSpans Resource, ScopeSpans Scope, Span Span), bool> side,
        Func<(ResourceSpans Resource, ScopeSpans Scope, Span Span), string?> value)
    {
        var counts = new Dictionary<string, double[]>();
        foreach (var x in traffic.Sent)
        {
            var i = traffic.IntervalOf(x.Span);
            if (i < 0 || !side(x) || value(x) is not { } v) continue;
            if (!counts.TryGetValue(v, out var c)) counts[v] = c = new double[traffic.IntervalCount];
            c[i]++;
        }
        return counts;
    }

    [Fact]
    public async Task Each_side_counts_every_attribute_value_per_step()
    {
        var series = await traffic.Query("{ } | compare({ kind = server }, 1000)");
        foreach (var (metaType, side) in new (string, Func<(ResourceSpans, ScopeSpans, Span Span), bool>)[]
                 { ("selection", x => IsServer(x.Span)), ("baseline", x => !IsServer(x.Span)) })
        {
            AssertSide(Side(series, metaType, "resource.service.name"), Expected(side, x => SimulatedMetricsTraffic.Service(x.Item1)));
            AssertSide(Side(series, metaType, "name"), Expected(side, x => x.Span.Name));
            var key = traffic.Sent.SelectMany(x => x.Span.Attributes).First(a => a.Value.ValueCase == global::Kubetrace.Otlp.Proto.Common.AnyValue.ValueOneofCase.StringValue).Key;
            AssertSide(Side(series, metaType, "span." + key),
                Expected(side, x => x.Span.Attributes.FirstOrDefault(a => a.Key == key)?.Value.StringValue));

            var total = Assert.Single(Side(series, metaType + "_total", "name"));
            Assert.Equal("nil", total.Labels[1].Value.AsString);
            var spans = Expected(side, _ => "all")["all"];
            Assert.Equal(spans, total.Values);
        }
        // The kind of every selected span is server; no baseline span is.
        Assert.Equal(["server"], Side(series, "selection", "kind").Select(s => s.Labels[1].Value.Encode(false)));
        Assert.DoesNotContain("server", Side(series, "baseline", "kind").Select(s => s.Labels[1].Value.Encode(false)));
        // Ids, times and durations are never grouped by.
        Assert.DoesNotContain(series, s => s.Labels[1].Key is "trace:id" or "span:id" or "duration" or "nestedSetLeft");
    }

    private static void AssertSide(List<Series> actual, Dictionary<string, double[]> expected)
    {
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(), actual.Select(s => s.Labels[1].Value.AsString).Order());
        foreach (var s in actual) Assert.Equal(expected[s.Labels[1].Value.AsString], s.Values);
    }

    [Fact]
    public async Task TopN_keeps_the_values_with_the_most_spans_over_the_range()
    {
        var series = await traffic.Query("{ } | compare({ kind = server }, 2)");
        var expected = Expected(x => !IsServer(x.Span), x => x.Span.Name);
        Assert.True(expected.Count > 2, "the traffic needs more than two span names");
        var top = expected.OrderByDescending(e => e.Value.Sum()).Take(2).Select(e => e.Value.Sum()).ToList();
        Assert.Equal(top, Side(series, "baseline", "name").Select(s => s.Values.Sum()).OrderDescending());
        // Totals still count every span.
        Assert.Equal(expected.Values.Sum(v => v.Sum()), Assert.Single(Side(series, "baseline_total", "name")).Values.Sum());
    }

    [Fact]
    public async Task A_selection_window_leaves_matching_spans_outside_it_in_the_baseline()
    {
        var windowStart = traffic.From + 2 * SimulatedMetricsTraffic.Step;
        var windowEnd = windowStart + 2 * SimulatedMetricsTraffic.Step;
        var series = await traffic.Query($"{{ }} | compare({{ kind = server }}, 10, {windowStart}, {windowEnd})");
        bool Selected(Span s) => IsServer(s) && (long)s.StartTimeUnixNano > windowStart && (long)s.StartTimeUnixNano <= windowEnd;
        Assert.Equal(Expected(x => Selected(x.Span), _ => "all")["all"], Assert.Single(Side(series, "selection_total", "kind")).Values);
        Assert.Equal(Expected(x => !Selected(x.Span), _ => "all")["all"], Assert.Single(Side(series, "baseline_total", "kind")).Values);
    }

    /// <summary>
    /// Control-plane spans carry attributes with a value per request (audit IDs, object names): over an hour of
    /// real traffic their distinct values exceed compare()'s memory bound, which must cut that attribute to its
    /// topN (Tempo's jobs keep only their topN) instead of failing the whole query, as Grafana's comparison tab sends it.
    /// </summary>
    [Fact]
    public async Task An_attribute_past_the_memory_bound_is_cut_to_its_topN_and_the_rest_stays_exact()
    {
        var baseline = traffic.Sent.Where(x => !IsServer(x.Span)).ToList();
        var (key, distinct) = baseline.SelectMany(x => x.Span.Attributes)
            .Where(a => a.Value.ValueCase == global::Kubetrace.Otlp.Proto.Common.AnyValue.ValueOneofCase.StringValue)
            .GroupBy(a => a.Key).Select(g => (g.Key, g.Select(a => a.Value.StringValue).Distinct().Count()))
            .MaxBy(x => x.Item2);
        Assert.True(distinct > 100, $"the traffic needs an attribute with many values; the most has {distinct} ({key})");
        // Fewer cells than that attribute's values alone, so it must be cut; room beside it for the values of every other
        // attribute cut to its topN (a few hundred: the apiserver's server spans carry many keys).
        var series = await traffic.Query("{ } | compare({ kind = server }, 5)", compareCells: traffic.IntervalCount * (distinct * 3 / 4));

        var values = Side(series, "baseline", "span." + key);
        Assert.Equal(5, values.Count);
        Assert.Equal(Expected(x => !IsServer(x.Span), x => x.Span.Attributes.Any(a => a.Key == key) ? "all" : null)["all"],
            Assert.Single(Side(series, "baseline_total", "span." + key)).Values);
        // An attribute of no more than topN values is never cut: counted exactly.
        var kinds = Expected(x => !IsServer(x.Span), x => x.Span.Kind.ToString());
        Assert.InRange(kinds.Count, 2, 5);
        Assert.Equal(kinds.Values.Select(v => v.Sum()).Order(), Side(series, "baseline", "kind").Select(s => s.Values.Sum()).Order());
    }

    [Theory]
    [InlineData("{ } | compare({ kind = server }, 0)", "top number of values must be an integer between 1 and 1000")]
    [InlineData("{ } | compare({ kind = server }, 1001)", "top number of values must be an integer between 1 and 1000")]
    [InlineData("{ } | compare({ kind = server }, 10, 5, 2)", "end timestamp must be greater than start timestamp")]
    [InlineData("{ } | compare({ kind = server }) | topk(2)", "cannot be used with second stage functions")]
    public void Bad_arguments_are_refused_as_Tempo_refuses_them(string query, string message) =>
        Assert.Contains(message, Assert.Throws<TraceQlException>(() => Parser.Parse(query)).Message);
}
