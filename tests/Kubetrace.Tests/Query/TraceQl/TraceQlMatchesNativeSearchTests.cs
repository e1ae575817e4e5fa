using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Query;
using Kubetrace.Query.TraceQl;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using AttributeScope = Kubetrace.Storage.AttributeScope;

namespace Kubetrace.Tests.Query.TraceQl;

/// <summary>
/// A property: for random simple filters (service, span name, kind, status, duration bounds, one or two on the same
/// span), the TraceQL engine and the native search return the same traces.
/// </summary>
public sealed class TraceQlMatchesNativeSearchTests : IAsyncLifetime
{
    private readonly TempStore _store = new();
    private readonly List<(string Service, Span Span)> _spans = [];

    public async Task InitializeAsync()
    {
        var simulator = new ClusterSimulator(new SimulationOptions
        {
            Start = new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero), Duration = TimeSpan.FromSeconds(10), Seed = 9, RequestsPerSecond = 10,
        });
        foreach (var batch in simulator.Batches())
        {
            await _store.AppendAsync(batch.Request);
            foreach (var resource in batch.Request.ResourceSpans)
            foreach (var span in resource.ScopeSpans.SelectMany(s => s.Spans))
                _spans.Add((resource.Resource.Attributes.First(a => a.Key == "service.name").Value.StringValue, span));
        }
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Random_simple_filters_find_the_same_traces_as_the_native_search()
    {
        var random = new Random(42);
        var services = _spans.Select(s => s.Service).Distinct().ToArray();
        var names = _spans.Select(s => s.Span.Name).Distinct().ToArray();
        var kinds = new[] { "server", "client", "internal" };
        var rounds = new List<int>();
        for (var round = 0; round < 40; round++)
        {
            var parts = new List<(string TraceQl, Condition Native)>();
            for (var n = random.Next(1, 3); parts.Count < n;)
            {
                var durationMs = random.Next(0, 200);
                parts.Add(random.Next(5) switch
                {
                    0 => services[random.Next(services.Length)] is var s ? ($"resource.service.name = \"{s}\"", Condition.Service(s)) : default,
                    1 => names[random.Next(names.Length)] is var x ? ($"name = \"{x}\"", Condition.SpanName(x)) : default,
                    2 => kinds[random.Next(kinds.Length)] is var k ? ($"kind = {k}", new Condition(AttributeScope.Intrinsic, "kind", ConditionOp.Equal, k)) : default,
                    3 => ($"duration > {durationMs}ms", new Condition(AttributeScope.Intrinsic, "duration", ConditionOp.Greater, (durationMs * 1_000_000L).ToString())),
                    _ => ($"duration <= {durationMs}ms", new Condition(AttributeScope.Intrinsic, "duration", ConditionOp.LessOrEqual, (durationMs * 1_000_000L).ToString())),
                });
            }
            var traceQl = "{ " + string.Join(" && ", parts.Select(p => p.TraceQl)) + " }";
            var viaTraceQl = (await new TraceQlSearch(_store.Store).SearchAsync(new TraceQlSearchRequest(Parser.Parse(traceQl), TimeRange.All, 10_000), CancellationToken.None))
                .Traces.Select(t => t.Summary.TraceId).Order().ToList();
            var native = (await new QueryEngine(_store.Store).SearchAsync(new TraceQuery(TimeRange.All, parts.Select(p => (QueryCondition)p.Native).ToList(), 10_000), CancellationToken.None))
                .Select(t => t.Summary.TraceId).Order().ToList();
            Assert.True(native.SequenceEqual(viaTraceQl), $"{traceQl}: native {native.Count} traces, TraceQL {viaTraceQl.Count}");
            rounds.Add(native.Count);
        }
        Assert.True(rounds.Count(c => c > 0) >= 10, "too few filters matched anything to compare: " + string.Join(",", rounds));
    }
}
