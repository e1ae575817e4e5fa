using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Groups ended spans as the components' batch span processors would export them: per component (one resource),
/// per second of end time, at most <c>maxSpansPerExport</c> spans per request, one ScopeSpans per scope. A second is
/// exported once no span can still end in it.
/// </summary>
internal sealed class SpanBatcher(IReadOnlyList<SimulatedComponent> components, int maxSpansPerExport)
{
    private const long NanosPerSecond = 1_000_000_000;

    /// <summary>Per end second: the spans per (component, scope), keyed <c>component × scopes + scope</c>.</summary>
    private readonly SortedDictionary<long, Dictionary<int, List<Span>>> _seconds = [];
    private Dictionary<int, List<Span>>? _lastBucket;
    private long _lastSecond = long.MinValue;

    public void Add(SimulatedComponent component, SimulatedScope scope, Span span)
    {
        var second = (long)(span.EndTimeUnixNano / NanosPerSecond);
        if (second != _lastSecond || _lastBucket is null)
        {
            if (!_seconds.TryGetValue(second, out _lastBucket))
                _seconds.Add(second, _lastBucket = []);
            _lastSecond = second;
        }
        var key = component.Index * SimulatedScopes.Count + (int)scope;
        if (!_lastBucket.TryGetValue(key, out var list))
            _lastBucket.Add(key, list = []);
        list.Add(span);
        component.Spans++;
    }

    /// <summary>Exports every second that ended before <paramref name="unixNanos"/>.</summary>
    public IEnumerable<SimulatedBatch> ExportBefore(long unixNanos)
    {
        var limit = unixNanos / NanosPerSecond;
        while (_seconds.Count > 0)
        {
            var (second, spans) = _seconds.First();
            if (second >= limit) yield break;
            _seconds.Remove(second);
            if (ReferenceEquals(spans, _lastBucket)) _lastBucket = null;
            foreach (var batch in Export(second, spans)) yield return batch;
        }
    }

    public IEnumerable<SimulatedBatch> ExportAll() => ExportBefore(long.MaxValue);

    private IEnumerable<SimulatedBatch> Export(long second, Dictionary<int, List<Span>> spans)
    {
        var keys = spans.Keys.ToArray();
        Array.Sort(keys);
        var sendAt = DateTimeOffset.FromUnixTimeMilliseconds((second + 1) * 1000);
        var request = default(ExportTraceServiceRequest);
        var resourceSpans = default(ResourceSpans);
        var count = 0;
        SimulatedComponent? component = null;
        foreach (var key in keys)
        {
            var owner = components[key / SimulatedScopes.Count];
            var scope = SimulatedScopes.Message((SimulatedScope)(key % SimulatedScopes.Count));
            if (owner != component && request is not null)
            {
                yield return Finish(component!, sendAt, count, request);
                request = null;
            }
            component = owner;
            var list = spans[key];
            var taken = 0;
            while (taken < list.Count)
            {
                if (request is null || count == maxSpansPerExport)
                {
                    if (request is not null) yield return Finish(component, sendAt, count, request);
                    request = new ExportTraceServiceRequest();
                    resourceSpans = new ResourceSpans { Resource = component.Resource };
                    request.ResourceSpans.Add(resourceSpans);
                    count = 0;
                }
                var scopeSpans = new ScopeSpans { Scope = scope };
                var take = Math.Min(list.Count - taken, maxSpansPerExport - count);
                for (var i = 0; i < take; i++) scopeSpans.Spans.Add(list[taken + i]);
                resourceSpans!.ScopeSpans.Add(scopeSpans);
                taken += take;
                count += take;
            }
        }
        if (request is not null) yield return Finish(component!, sendAt, count, request);
    }

    private static SimulatedBatch Finish(SimulatedComponent component, DateTimeOffset sendAt, int count, ExportTraceServiceRequest request)
    {
        component.Batches++;
        return new SimulatedBatch(component.ServiceName, component.Node, sendAt, count, request);
    }
}
