using Kubetrace.Analysis.Rollups;
using Kubetrace.Analysis.Sampling;
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
/// <para>
/// Long-running requests (<see cref="LongRunningRequests"/>: the callee's span is a watch, an exec, a log, ...) count as calls but not in the
/// latency percentiles, on call and link edges alike.
/// </para>
/// </summary>
public sealed class ServiceGraphState(TimeRange range) : IRollupState<ServiceGraphState>
{
    private readonly Dictionary<(string Parent, string Child), CallStats> _edges = [];
    private readonly HashSet<string> _services = new(StringComparer.Ordinal);
    private readonly Dictionary<ulong, ScannedSpan> _byId = []; // scratch, per trace
    private readonly PossibleCallers _callers = new(); // childless client/producer spans' services
    private readonly List<PendingLink> _links = []; // links of spans in the range, matched to callers by Result
    private readonly HashSet<ulong> _parents = []; // scratch, per trace
    private readonly TraceSampling _sampling = new();
    private readonly SampleTally _all = new();
    private long _spans, _traces;

    /// <summary>
    /// A link of a span in the range, with what its call edge needs once matched: the linking span itself (the
    /// edge's example), its service, latency, status, whether it is a watch, and its sampling decision. A trace's links are kept together (Add appends them at once, Merge
    /// and the rollup bytes keep the order), so <see cref="FirstOfTrace"/> tells each link edge where a trace
    /// begins; <see cref="TraceCounted"/>: the trace already counts in the call edges' total.
    /// </summary>
    private readonly record struct PendingLink(ScannedLink Target, ScannedLink Source, string Service, long Nanos, SamplingBasis Basis, LinkFlags Flags)
    {
        public bool Error => (Flags & LinkFlags.Error) != 0;
        public bool Watch => (Flags & LinkFlags.Watch) != 0;
        public bool FirstOfTrace => (Flags & LinkFlags.FirstOfTrace) != 0;
        public bool TraceCounted => (Flags & LinkFlags.TraceCounted) != 0;
    }

    [Flags]
    private enum LinkFlags : byte { Error = 1, FirstOfTrace = 2, TraceCounted = 4, Watch = 8 }

    /// <summary>
    /// The per-block aggregate (<c>graph-7</c>: <c>graph-6</c> wrote the possible callers entry by entry, not as one
    /// section read when a link asks (<see cref="PossibleCallers"/>); <c>graph-5</c> left only watches out of the latency, not the other
    /// long-running requests; <c>graph-4</c> had no link edge examples and counted watches in the
    /// latency, <c>graph-3</c> had no example traces, <c>graph-2</c> no links and callers, <c>graph-1</c> no sample
    /// tallies). Sidecars of an older version are deleted when the store opens and rebuilt; their blocks are scanned
    /// meanwhile (RollupCatalog.Load).
    /// </summary>
    internal static StateRollup<ServiceGraphState> Rollup { get; } = new("graph-7", () => new ServiceGraphState(TimeRange.All));

    /// <summary>Every trace of the range, with the request URIs and methods that tell long-running requests apart.</summary>
    public SpanScanRequest ScanRequest => new(range, LongRunningRequests.Keys);

    public void Add(ScannedTrace trace)
    {
        _traces++;
        _spans += trace.Spans.Count;
        _sampling.Begin(trace);
        _byId.Clear();
        _parents.Clear();
        foreach (var span in trace.Spans)
        {
            _byId.TryAdd(span.SpanId, span);
            if (!span.IsRoot) _parents.Add(span.ParentSpanId);
        }
        var firstLink = _links.Count;
        var tracesCounted = _all.Traces;
        foreach (var span in trace.Spans)
        {
            if (span.Kind is SpanKind.Client or SpanKind.Producer && !_parents.Contains(span.SpanId))
                _callers.Add(trace.TraceId, span.SpanId, span.Service);
            if (!range.Contains(span.StartUnixNano)) continue;
            var watch = LongRunningRequests.IsLongRunning(span, 0);
            foreach (var link in span.Links)
            {
                var flags = (span.IsError ? LinkFlags.Error : 0) | (_links.Count == firstLink ? LinkFlags.FirstOfTrace : 0) | (watch ? LinkFlags.Watch : 0);
                _links.Add(new PendingLink(link, new ScannedLink(trace.TraceId, span.SpanId), span.Service, span.DurationNanos, _sampling.BasisOf(span), flags));
            }
            _services.Add(span.Service);
            if (span.IsRoot || !_byId.TryGetValue(span.ParentSpanId, out var parent) || parent.Service == span.Service) continue;
            EdgeOf(parent.Service, span.Service).Record(span.DurationNanos, span.IsError, _sampling, span, watch);
            _all.Record(_sampling, span, span.IsError);
        }
        if (_all.Traces == tracesCounted) return;
        for (var i = firstLink; i < _links.Count; i++) _links[i] = _links[i] with { Flags = _links[i].Flags | LinkFlags.TraceCounted };
    }

    public void Merge(ServiceGraphState other)
    {
        _traces += other._traces;
        _spans += other._spans;
        _all.Merge(other._all);
        _services.UnionWith(other._services);
        foreach (var ((parent, child), calls) in other._edges) EdgeOf(parent, child).Merge(calls);
        _callers.Merge(other._callers);
        _links.AddRange(other._links);
    }

    /// <summary>
    /// The link edges: each link matched to its caller's service, its observation tallied on the edge and in
    /// <paramref name="all"/> (a trace once, also when its call edges counted it); the count of links matched to none.
    /// </summary>
    private (Dictionary<(string, string), CallStats> Edges, long Unresolved) LinkEdges(SampleTally all)
    {
        var edges = new Dictionary<(string, string), CallStats>();
        long unresolved = 0, stamp = 0;
        var counted = false;
        var callers = _callers.Find(_links.Select(link => (link.Target.TraceId, link.Target.SpanId)).ToList());
        foreach (var link in _links)
        {
            if (link.FirstOfTrace)
            {
                stamp = TraceSampling.NextStamp();
                counted = link.TraceCounted;
            }
            if (!callers.TryGetValue((link.Target.TraceId, link.Target.SpanId), out var caller)) unresolved++;
            else if (caller != link.Service)
            {
                StatsOf(edges, caller, link.Service).Record(link.Nanos, link.Error, link.Basis, stamp, link.Source.TraceId, link.Source.SpanId, link.Watch);
                all.Record(link.Basis, counted ? SampleTally.CountedTrace : stamp, link.Error);
            }
        }
        return (edges, unresolved);
    }

    /// <summary>The graph, edges with errors first, then by p99.</summary>
    public ServiceGraphResult Result(RowSamples? samples = null)
    {
        samples ??= new RowSamples(SamplingRates.Unknown);
        var all = new SampleTally();
        all.Merge(_all);
        var (linkEdges, unresolved) = LinkEdges(all);
        var edges = Edges(_edges, ServiceEdge.Call, samples).Concat(Edges(linkEdges, ServiceEdge.Link, samples))
            .OrderByDescending(e => e.Errors).ThenByDescending(e => e.P99Nanos).ThenBy(e => e.Parent, StringComparer.Ordinal)
            .ThenBy(e => e.Child, StringComparer.Ordinal).ThenBy(e => e.Kind, StringComparer.Ordinal).ToList();
        return new ServiceGraphResult(_services.Order(StringComparer.Ordinal).ToList(), edges, _spans, _traces)
        {
            UnresolvedLinks = unresolved,
            Sampling = SamplingSummary.Of("service-to-service calls", samples.Of(all), edges.Select(e => e.Sample).ToList()),
        };
    }

    private static IEnumerable<ServiceEdge> Edges(Dictionary<(string, string), CallStats> edges, string kind, RowSamples samples) =>
        edges.Select(e => new ServiceEdge(e.Key.Item1, e.Key.Item2, e.Value.Calls, e.Value.Errors,
            e.Value.ErrorRate, e.Value.Latency.Percentile(0.5), e.Value.Latency.Percentile(0.99))
        {
            Kind = kind, Watches = e.Value.Watches, Sample = samples.Of(e.Value), Examples = e.Value.ExamplesReport(),
        });

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
            edge.Value.WriteWatchesTo(writer);
        });
        _callers.WriteTo(writer);
        writer.WriteEach(_links, link =>
        {
            writer.WriteUInt128(link.Target.TraceId.Value);
            writer.WriteFixed64(link.Target.SpanId);
            writer.WriteUInt128(link.Source.TraceId.Value);
            writer.WriteFixed64(link.Source.SpanId);
            writer.WriteString(link.Service);
            writer.WriteVarint(link.Nanos);
            writer.WriteString(link.Basis.Decider);
            writer.WriteSigned(link.Basis.Threshold);
            writer.WriteByte((byte)link.Flags);
        });
    }

    static ServiceGraphState IRollupState<ServiceGraphState>.ReadFrom(ByteReader reader)
    {
        var state = new ServiceGraphState(TimeRange.All) { _traces = reader.ReadLong(), _spans = reader.ReadLong() };
        state._all.MergeFrom(reader);
        reader.ReadEach(() => state._services.Add(reader.ReadString()));
        reader.ReadEach(() =>
        {
            var edge = state.EdgeOf(reader.ReadString(), reader.ReadString());
            edge.MergeFrom(reader);
            edge.MergeWatchesFrom(reader);
        });
        state._callers.Merge(PossibleCallers.ReadFrom(reader));
        reader.ReadEach(() => state._links.Add(new PendingLink(new ScannedLink(new TraceId(reader.ReadUInt128()), reader.ReadFixed64()),
            new ScannedLink(new TraceId(reader.ReadUInt128()), reader.ReadFixed64()), reader.ReadString(), reader.ReadLong(), new SamplingBasis(LabelPool.Get(reader.ReadString()), reader.ReadSigned()),
            (LinkFlags)reader.ReadByte())));
        return state;
    }

    private CallStats EdgeOf(string parent, string child) => StatsOf(_edges, parent, child);

    private static CallStats StatsOf(Dictionary<(string, string), CallStats> edges, string from, string to)
    {
        if (!edges.TryGetValue((from, to), out var calls)) edges.Add((from, to), calls = new CallStats());
        return calls;
    }
}
