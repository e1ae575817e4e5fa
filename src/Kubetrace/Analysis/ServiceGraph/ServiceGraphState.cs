using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;

namespace Kubetrace.Analysis.ServiceGraph;

/// <summary>
/// What <c>graph</c> adds up: per caller → callee edge (a child span whose parent span belongs to another service,
/// the child starting in the range) the child spans' calls, errors and latency; the services seen; spans and
/// traces read. Merges exactly, so per-block rollups give the graph a scan would.
/// </summary>
public sealed class ServiceGraphState(TimeRange range) : IRollupState<ServiceGraphState>
{
    private readonly Dictionary<(string Parent, string Child), CallStats> _edges = [];
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, ScannedSpan> _byId = []; // scratch, per trace
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    private long _spans, _traces;

    /// <summary>The per-block aggregate (<c>graph-2</c>: <c>graph-1</c> had no sample tallies).</summary>
    internal static StateRollup<ServiceGraphState> Rollup { get; } = new("graph-2", () => new ServiceGraphState(TimeRange.All));

    public SpanScanRequest ScanRequest => new(range, []);

    public void Add(ScannedTrace trace)
    {
        _traces++;
        _spans += trace.Spans.Count;
        _sampling.Begin(trace);
        _byId.Clear();
        foreach (var span in trace.Spans) _byId.TryAdd(span.SpanId, span);
        foreach (var span in trace.Spans)
        {
            if (!range.Contains(span.StartUnixNano)) continue;
            _services.Add(span.Service);
            if (span.IsRoot || !_byId.TryGetValue(span.ParentSpanId, out var parent) || parent.Service == span.Service) continue;
            EdgeOf(parent.Service, span.Service).Record(span.DurationNanos, span.IsError, _sampling, span);
            _all.Record(_sampling, span, span.IsError);
        }
    }

    public void Merge(ServiceGraphState other)
    {
        _traces += other._traces;
        _spans += other._spans;
        _all.Merge(other._all);
        _services.UnionWith(other._services);
        foreach (var ((parent, child), calls) in other._edges) EdgeOf(parent, child).Merge(calls);
    }

    /// <summary>The graph, edges with errors first, then by p99.</summary>
    public ServiceGraphResult Result(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var edges = _edges.Select(e => new ServiceEdge(e.Key.Parent, e.Key.Child, e.Value.Calls, e.Value.Errors,
                e.Value.ErrorRate, e.Value.Latency.Percentile(0.5), e.Value.Latency.Percentile(0.99)) { Sample = samples.Of(e.Value) })
            .OrderByDescending(e => e.Errors).ThenByDescending(e => e.P99Nanos).ThenBy(e => e.Parent, StringComparer.Ordinal)
            .ThenBy(e => e.Child, StringComparer.Ordinal).ToList();
        return new ServiceGraphResult(_services.Order(StringComparer.Ordinal).ToList(), edges, _spans, _traces)
        {
            Sampling = SamplingSummary.Of("service-to-service calls", samples.Of(_all), edges.Select(e => e.Sample).ToList()),
        };
    }

    void IRollupState<ServiceGraphState>.WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_traces);
        writer.WriteVarint(_spans);
        _all.WriteTo(writer);
        writer.WriteEach(_services, writer.WriteString);
        writer.WriteEach(_edges, edge =>
        {
            writer.WriteString(edge.Key.Parent);
            writer.WriteString(edge.Key.Child);
            edge.Value.WriteTo(writer);
        });
    }

    static ServiceGraphState IRollupState<ServiceGraphState>.ReadFrom(ByteReader reader)
    {
        var state = new ServiceGraphState(TimeRange.All) { _traces = reader.ReadLong(), _spans = reader.ReadLong() };
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state._services.Add(reader.ReadString()));
        reader.ReadEach(() => state.EdgeOf(reader.ReadString(), reader.ReadString()).MergeFrom(reader));
        return state;
    }

    private CallStats EdgeOf(string parent, string child)
    {
        if (!_edges.TryGetValue((parent, child), out var calls)) _edges.Add((parent, child), calls = new CallStats());
        return calls;
    }
}
