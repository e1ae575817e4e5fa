using Kubetrace.Kubernetes.Catalog;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Writes one kube-apiserver request as the release's handler chain traces it (docs/catalog.md): the otelhttp
/// server span (a new root linked to a traced caller, or from 1.33 a system:masters caller's child), authentication
/// (through 1.32 the server span's child and the parent of all that follows; from 1.33 a trace of its own, lasting
/// the request from 1.34), the filters (untraced through 1.33, where 1.33's audit filter ends the server span; nested
/// spans ending with the request from 1.34), then the handler (<see cref="HandlerWriter"/>) or the watch.
/// </summary>
/// <remarks>
/// <paramref name="serving"/> is the serving process: kube-apiserver, or an extension API server built on
/// k8s.io/apiserver (<see cref="AggregatedApiWriter"/>), whose request path is the same code. Write is re-entrant:
/// admission's loopback requests (<see cref="LoopbackWriter"/>) are written while the outer request's filters are open.
/// </remarks>
internal sealed class ApiserverWriter(SimulationContext sim, SimulatedComponent? serving = null)
{
    /// <summary>The filters after authentication, outermost first (DefaultBuildHandlerChain).</summary>
    private static readonly string[] Filters = [.. ApiserverSpans.NestedFilters];

    private readonly Dictionary<(ApiVerb, ApiResource, bool, string), string> _serverSpanNames = [];
    // One set of open filter spans per nesting level: a loopback request runs inside its caller's filters.
    private readonly List<OpenSpan[]> _filterStacks = [];
    private OpenSpan[] _filterSpans = [];
    private int _depth;

    private SimulatedComponent Server => serving ?? sim.Cluster.Apiserver;

    private bool IsExtension => serving is not null && serving != sim.Cluster.Apiserver;

    /// <summary>The apiserver's etcd client (one: the TTL lease it reuses is shared), also for the compactor's calls.</summary>
    public EtcdWriter Etcd { get; } = new(sim);

    private HandlerWriter Handlers => field ??= new(sim, Etcd, Server, IsExtension ? null : new LoopbackWriter(sim, this));

    private AggregatedApiWriter Aggregator => field ??= new(sim);

    private WatchWriter Watches => field ??= new(sim, Etcd);

    /// <summary>
    /// Writes the request arriving at <paramref name="start"/>; <paramref name="caller"/> is the traceparent it
    /// carried, <paramref name="auditId"/> the Audit-ID header it carried (the aggregator sets it), else a new one.
    /// </summary>
    public ApiResult Write(ApiCall call, long start, SimulatedSpanContext? caller, string? auditId = null)
    {
        if (_depth == _filterStacks.Count) _filterStacks.Add(new OpenSpan[Filters.Length]);
        var outer = _filterSpans;
        _filterSpans = _filterStacks[_depth++];
        try
        {
            return WriteRequest(call, start, caller, auditId);
        }
        finally
        {
            _depth--;
            _filterSpans = outer;
        }
    }

    private ApiResult WriteRequest(ApiCall call, long start, SimulatedSpanContext? caller, string? auditId)
    {
        var random = sim.Random;
        var version = sim.Options.KubernetesVersion;
        var recorder = sim.Recorder;
        var apiserver = Server;
        if (!IsExtension) sim.Report.ApiserverRequests++;
        auditId ??= random.Uuid();

        var authenticationStart = start + random.Micros(30, 120);
        var authenticated = authenticationStart + random.Micros(20, 200);
        OpenSpan server, authentication;
        SimulatedSpanContext requestContext; // the span later spans start under: SpanFromContext of the request
        if (version.AuthenticationUnderServerSpan)
        {
            server = OpenServer(call, start, caller, null);
            authentication = recorder.Child(server.Context, false, apiserver, SimulatedScope.FilterLatency, ApiserverSpans.Authentication, SpanKind.Internal, authenticationStart);
            recorder.End(authentication, authenticated);
            requestContext = authentication.Context;
        }
        else
        {
            // Before tracing, with no span in the context: the root of a trace of its own.
            authentication = recorder.Root(apiserver, SimulatedScope.FilterLatency, ApiserverSpans.Authentication, SpanKind.Internal, authenticationStart, sim.Sampler);
            authenticated += random.Micros(2, 10);
            server = OpenServer(call, authenticated, caller, authentication.Context);
            if (!version.NestedFilterSpans) recorder.End(authentication, authenticated);
            requestContext = server.Context;
        }
        if (server.Recording && !IsExtension) sim.Report.SampledApiserverRequests++;

        var (t, opened, rejected) = RunFilters(call, server, auditId, authenticated + random.Micros(2, 10), ref requestContext);
        int status;
        var bodies = HttpBodies.Unknown; // the aggregator's proxy and watches: not simulated, not recorded
        if (rejected)
            status = 429;
        else if (call.Resource.Aggregated is not null && !IsExtension)
            (t, status) = Aggregator.Forward(call, requestContext, caller, auditId, t);
        else if (call.Verb.IsWatch)
            (t, status) = Watches.Serve(call, requestContext, auditId, t);
        else
            (t, status, bodies) = Handlers.Handle(call, requestContext, auditId, t);

        // From 1.34 every filter span ends as its deferred End runs, innermost first, when the handler returns.
        for (var i = opened - 1; i >= 0; i--) recorder.End(_filterSpans[i], t += random.Micros(1, 5));
        var end = t + random.Micros(10, 50);
        if (!version.ServerSpanEndsAfterAudit)
        {
            sim.Semconv.HttpServer(server, call, auditId, status, bodies);
            recorder.End(server, end, status >= 500 ? "" : null);
        }
        if (version.NestedFilterSpans) recorder.End(authentication, end + random.Micros(1, 5));
        return new ApiResult(end, status, bodies.Read);
    }

    /// <summary>
    /// The otelhttp server span. Through 1.32 every request starts a new trace; from 1.33 a system:masters caller's
    /// traceparent is followed, and without one the authentication span (still in the context) is the parent.
    /// Everyone else's span is a new root, linked to the caller's span when it sent one.
    /// </summary>
    private OpenSpan OpenServer(ApiCall call, long start, SimulatedSpanContext? caller, SimulatedSpanContext? authentication)
    {
        var name = ServerSpanName(call);
        var follows = call.Caller.Privileged && sim.Options.KubernetesVersion.PrivilegedCallersBecomeParent;
        if (follows && caller is { } remote)
            return sim.Recorder.Child(remote, remote: true, Server, SimulatedScope.OtelHttp, name, SpanKind.Server, start);
        if (follows && authentication is { } parent)
            return sim.Recorder.Child(parent, false, Server, SimulatedScope.OtelHttp, name, SpanKind.Server, start);
        var root = sim.Recorder.Root(Server, SimulatedScope.OtelHttp, name, SpanKind.Server, start, sim.Sampler);
        if (caller is { } linked) SpanRecorder.Link(root, linked);
        return root;
    }

    /// <summary>
    /// Audit, impersonation, priority and fairness, authorization: their time counts in every release; spans from
    /// 1.34 (each the next one's parent, left open until the request ends); in 1.33 the server span ends after audit.
    /// </summary>
    private (long End, int Opened, bool Rejected) RunFilters(ApiCall call, OpenSpan server, string auditId, long t, ref SimulatedSpanContext context)
    {
        var random = sim.Random;
        var version = sim.Options.KubernetesVersion;
        var throttled = sim.Faults.Throttles(call.Caller);
        var opened = 0;
        for (var i = 0; i < Filters.Length; i++)
        {
            var filter = Filters[i];
            var duration = filter switch
            {
                ApiserverSpans.Audit => random.Micros(10, 60),
                ApiserverSpans.Impersonation => random.Micros(3, 15),
                ApiserverSpans.Authorization => random.Micros(10, 120),
                _ => random.Micros(5, 60),
            };
            var rejected = false;
            if (filter == ApiserverSpans.PriorityAndFairness && throttled)
            {
                var flow = sim.Faults.ThrottledFlowReport!;
                flow.Requests++;
                duration += sim.Options.ApfQueueWait.Ticks * 100;
                rejected = PlantedFaults.IsNthOfRate(flow.Requests, PlantedFaults.ApfRejectRate);
                if (rejected) flow.Rejected++;
            }
            if (version.NestedFilterSpans)
            {
                _filterSpans[opened++] = sim.Recorder.Child(context, false, Server, SimulatedScope.FilterLatency, filter, SpanKind.Internal, t);
                context = _filterSpans[opened - 1].Context;
            }
            t += duration + random.Micros(2, 10);
            if (filter == ApiserverSpans.Audit && version.ServerSpanEndsAfterAudit)
            {
                // trackCompleted after the audit filter ends SpanFromContext: the server span, before otelhttp sets its status.
                sim.Semconv.HttpServer(server, call, auditId, null, HttpBodies.Unknown);
                sim.Recorder.End(server, t);
            }
            if (rejected) return (t, opened, true);
        }
        return (t, opened, false);
    }

    /// <summary>The otelhttp server span's name: <c>KubernetesAPI</c> before 1.31, then method and route (one string per route).</summary>
    private string ServerSpanName(ApiCall call)
    {
        if (!sim.Options.KubernetesVersion.RouteStyleServerSpanNames) return ApiserverSpans.LegacyServerSpan;
        var key = (call.Verb, call.Resource, call.NamedInUrl, call.Subresource);
        if (!_serverSpanNames.TryGetValue(key, out var name))
            _serverSpanNames.Add(key, name = $"{call.Verb.Method} {call.Resource.Route(call.NamedInUrl, call.Subresource)}");
        return name;
    }
}
