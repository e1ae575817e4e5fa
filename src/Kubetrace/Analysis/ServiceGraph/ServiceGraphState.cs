using Kubetrace.Analysis.Rollups;
using Kubetrace.Storage;
using Kubetrace.Storage.Encoding;
using Kubetrace.Storage.Scan;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Analysis.ServiceGraph;

/// <summary>
/// What <c>graph</c> adds up: per caller → callee edge (a child span whose parent span belongs to another service,
/// the child starting in the range) the child spans' calls, errors and latency; the services seen; spans and
/// traces read. Merges exactly, so per-block rollups give the graph a scan would.
/// <para>
/// Link edges: a call recorded only as a span link (the apiserver starts its own trace and links the kubelet's or an
/// operator's client span) is an edge from the linked span's service to the linking span's, counted with the
/// linking span's latency and status. The linked span is in another trace, so links are matched when the graph is
/// read: the state keeps the links and the possible callers, client and producer spans without a child in their
/// trace (a client span with a child already gives a call edge; a link to it adds no call). Both go into the rollup
/// bytes, so links between traces in different blocks match as in a plain scan. A link whose span is never seen
/// (unsampled, outside the stored range) is counted as unresolved.
/// </para>
/// </summary>
public sealed class ServiceGraphState(TimeRange range) : IRollupState<ServiceGraphState>
{
    private readonly Dictionary<(string Parent, string Child), CallStats> _edges = [];
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, ScannedSpan> _byId = []; // scratch, per trace
    private readonly Dictionary<(TraceId Trace, ulong Span), string> _callers = []; // childless client/producer spans' services
    private readonly List<PendingLink> _links = []; // links of spans in the range, matched to callers by Result
    private readonly HashSet<ulong> _parents = []; // scratch, per trace
    private long _spans, _traces;

    private readonly record struct PendingLink(ScannedLink Target, string Service, long Nanos, bool Error);

    /// <summary>The per-block aggregate (<c>graph-1</c>).</summary>
    internal static StateRollup<ServiceGraphState> Rollup { get; } = new("graph-2", () => new ServiceGraphState(TimeRange.All));

    public SpanScanRequest ScanRequest => new(range, []);

    public void Add(ScannedTrace trace)
    {
        _traces++;
        _spans += trace.Spans.Count;
        _byId.Clear();
        _parents.Clear();
        foreach (var span in trace.Spans)
        {
            _byId.TryAdd(span.SpanId, span);
            if (!span.IsRoot) _parents.Add(span.ParentSpanId);
        }
        foreach (var span in trace.Spans)
        {
            if (span.Kind is SpanKind.Client or SpanKind.Producer && !_parents.Contains(span.SpanId))
                _callers.TryAdd((trace.TraceId, span.SpanId), span.Service);
            if (!range.Contains(span.StartUnixNano)) continue;
            foreach (var link in span.Links) _links.Add(new PendingLink(link, span.Service, span.DurationNanos, span.IsError));
            _services.Add(span.Service);
            if (span.IsRoot || !_byId.TryGetValue(span.ParentSpanId, out var parent) || parent.Service == span.Service) continue;
            EdgeOf(parent.Service, span.Service).Record(span.DurationNanos, span.IsError);
        }
    }

    public void Merge(ServiceGraphState other)
    {
        _traces += other._traces;
        _spans += other._spans;
        _services.UnionWith(other._services);
        foreach (var ((parent, child), calls) in other._edges) EdgeOf(parent, child).Merge(calls);
        foreach (var (target, service) in other._callers) _callers.TryAdd(target, service);
        _links.AddRange(other._links);
    }

    /// <summary>The link edges: each link matched to its caller's service; the count of links matched to none.</summary>
    private (Dictionary<(string, string), CallStats> Edges, long Unresolved) LinkEdges()
    {
        var edges = new Dictionary<(string, string), CallStats>();
        long unresolved = 0;
        foreach (var link in _links)
        {
            if (!_callers.TryGetValue((link.Target.TraceId, link.Target.SpanId), out var caller)) unresolved++;
            else if (caller != link.Service) StatsOf(edges, caller, link.Service).Record(link.Nanos, link.Error);
        }
        return (edges, unresolved);
    }

    /// <summary>The graph, edges with errors first, then by p99.</summary>
    public ServiceGraphResult Result()
    {
        var (linkEdges, unresolved) = LinkEdges();
        var edges = Edges(_edges, ServiceEdge.Call).Concat(Edges(linkEdges, ServiceEdge.Link))
            .OrderByDescending(e => e.Errors).ThenByDescending(e => e.P99Nanos).ThenBy(e => e.Parent, StringComparer.Ordinal)
            .ThenBy(e => e.Child, StringComparer.Ordinal).ToList();
        return new ServiceGraphResult(_services.Order(StringComparer.Ordinal).ToList(), edges, _spans, _traces) { UnresolvedLinks = unresolved };
    }

    private static IEnumerable<ServiceEdge> Edges(Dictionary<(string, string), CallStats> edges, string kind) =>
        edges.Select(e => new ServiceEdge(e.Key.Item1, e.Key.Item2, e.Value.Calls, e.Value.Errors,
            e.Value.ErrorRate, e.Value.Latency.Percentile(0.5), e.Value.Latency.Percentile(0.99)) { Kind = kind });

    void IRollupState<ServiceGraphState>.WriteTo(ByteWriter writer)
    {
        writer.WriteVarint(_traces);
        writer.WriteVarint(_spans);
        writer.WriteEach(_services, writer.WriteString);
        writer.WriteEach(_edges, edge =>
        {
            writer.WriteString(edge.Key.Parent);
            writer.WriteString(edge.Key.Child);
            edge.Value.WriteTo(writer);
        });
        writer.WriteEach(_callers, caller =>
        {
            writer.WriteUInt128(caller.Key.Trace.Value);
            writer.WriteFixed64(caller.Key.Span);
            writer.WriteString(caller.Value);
        });
        writer.WriteEach(_links, link =>
        {
            writer.WriteUInt128(link.Target.TraceId.Value);
            writer.WriteFixed64(link.Target.SpanId);
            writer.WriteString(link.Service);
            writer.WriteVarint(link.Nanos);
            writer.WriteByte(link.Error ? (byte)1 : (byte)0);
        });
    }

    static ServiceGraphState IRollupState<ServiceGraphState>.ReadFrom(ByteReader reader)
    {
        var state = new ServiceGraphState(TimeRange.All) { _traces = reader.ReadLong(), _spans = reader.ReadLong() };
        reader.ReadEach(() => state._services.Add(reader.ReadString()));
        reader.ReadEach(() => state.EdgeOf(reader.ReadString(), reader.ReadString()).MergeFrom(reader));
        reader.ReadEach(() => state._callers.TryAdd((new TraceId(reader.ReadUInt128()), reader.ReadFixed64()), reader.ReadString()));
        reader.ReadEach(() => state._links.Add(new PendingLink(new ScannedLink(new TraceId(reader.ReadUInt128()), reader.ReadFixed64()),
            reader.ReadString(), reader.ReadLong(), reader.ReadByte() == 1)));
        return state;
    }

    private CallStats EdgeOf(string parent, string child) => StatsOf(_edges, parent, child);

    private static CallStats StatsOf(Dictionary<(string, string), CallStats> edges, string from, string to)
    {
        if (!edges.TryGetValue((from, to), out var calls)) edges.Add((from, to), calls = new CallStats());
        return calls;
    }
}
