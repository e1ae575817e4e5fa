using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query.TraceQl;
using Kubetrace.Query.TraceQl.Metrics;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// 30 s of simulated control-plane traffic in a store, the spans that were sent, and TraceQL metrics over eight
/// 5 s steps (starting half a second off any span's timestamp), for tests that check metrics against values
/// computed directly from the spans.
/// </summary>
public sealed class SimulatedMetricsTraffic : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    public const long Second = 1_000_000_000;
    public const long Step = 5 * Second;
    public const int Intervals = 8;
    private readonly TempStore _store = new();

    public List<(ResourceSpans Resource, ScopeSpans Scope, Span Span)> Sent { get; } = [];

    public long From { get; private set; }

    public long End => From + Intervals * Step;

    /// <summary>Steps in a series: one more than <see cref="Intervals"/>, as the range is not aligned to the step.</summary>
    public int IntervalCount => new MetricsRequest(Parser.Parse("{ } | rate()"), From, End, Step).IntervalCount;

    public async Task InitializeAsync()
    {
        var simulator = new ClusterSimulator(new SimulationOptions { Start = Start, Duration = TimeSpan.FromSeconds(30), Seed = 5, RequestsPerSecond = 20 });
        foreach (var batch in simulator.Batches())
        {
            await _store.AppendAsync(batch.Request);
            foreach (var resource in batch.Request.ResourceSpans)
            foreach (var scope in resource.ScopeSpans)
            foreach (var span in scope.Spans)
                Sent.Add((resource, scope, span));
        }
        From = (Start.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100 - Second / 2;
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    public async Task<IReadOnlyList<Series>> Query(string traceQl, int exemplars = MetricsRequest.MaxExemplars, int compareCells = 10_000_000)
    {
        var request = new MetricsRequest(Parser.Parse(traceQl), From, End, Step) { Exemplars = exemplars, CompareCells = compareCells };
        return (await new MetricsEngine(_store.Store).QueryAsync(request, CancellationToken.None)).Series;
    }

    /// <summary>Tempo's metrics summary over [<see cref="From"/>, <see cref="End"/>).</summary>
    public Task<IReadOnlyList<SpanMetricsSummary.Group>> Summary(string traceQl, string groupBy) =>
        SpanMetricsSummary.QueryAsync(new MetricsEngine(_store.Store), Parser.Parse(traceQl), SpanMetricsSummary.ParseGroupBy(groupBy), From, End, CancellationToken.None);

    /// <summary>The step a span falls in (right-closed, aligned to the step), -1 outside the range.</summary>
    public int IntervalOf(Span span) => IntervalOfTime((long)span.StartTimeUnixNano);

    public int IntervalOfTime(long unixNano)
    {
        var aligned = From - From % Step;
        var offset = unixNano - aligned;
        return offset <= 0 || unixNano > End ? -1 : (int)((offset - 1) / Step);
    }

    public static string Service(ResourceSpans r) => r.Resource.Attributes.First(a => a.Key == "service.name").Value.StringValue;

    public static string Label(Series s, string key) => s.Labels.First(l => l.Key == key).Value.AsString;
}
