using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// Writes one kube-apiserver request as the apiserver traces it: the otelhttp server span (a new root linked to a
/// traced caller, or the caller's child for system:masters from 1.33), the filter spans (1.34+), the handler span,
/// admission webhooks for writes, storage with the etcd call seen from both sides (reads through the watch cache),
/// and SerializeObject; a watch is served until it closes instead.
/// </summary>
internal sealed class ApiserverWriter(SimulationContext sim)
{
    private static readonly string[] Filters = ["authentication", "audit", "impersonation", "priorityandfairness", "authorization"];

    private readonly WebhookWriter _webhooks = new(sim);
    private readonly Dictionary<(ApiVerb, ApiResource, bool, string), string> _serverSpanNames = [];

    /// <summary>The apiserver's etcd client (one: the TTL lease it reuses is shared), also for the compactor's calls.</summary>
    public EtcdWriter Etcd { get; } = new(sim);

    private CacherWriter Cacher => field ??= new(sim, Etcd);

    private WatchWriter Watches => field ??= new(sim, Etcd);

    /// <summary>Writes the request arriving at <paramref name="start"/>; <paramref name="caller"/> is the traceparent it carried.</summary>
    public ApiResult Write(ApiCall call, long start, SimulatedSpanContext? caller)
    {
        var random = sim.Random;
        var version = sim.Options.KubernetesVersion;
        var verb = call.Verb;
        sim.Report.ApiserverRequests++;

        var name = ServerSpanName(call);
        var adopt = caller is { } parent && call.Caller.Privileged && version.PrivilegedCallersBecomeParent;
        var server = adopt
            ? sim.Recorder.Child(caller!.Value, remote: true, sim.Cluster.Apiserver, SimulatedScope.OtelHttp, name, SpanKind.Server, start)
            : sim.Recorder.Root(sim.Cluster.Apiserver, SimulatedScope.OtelHttp, name, SpanKind.Server, start, sim.Sampler);
        if (caller is { } linked && !adopt) SpanRecorder.Link(server, linked);
        if (server.Recording) sim.Report.SampledApiserverRequests++;
        var auditId = random.Uuid();

        // The filters run in this order whether or not they are traced (spans from 1.34): their time counts either way.
        var t = start + random.Micros(30, 120);
        var throttled = sim.Faults.Throttles(call.Caller);
        var rejected = false;
        foreach (var filter in Filters)
        {
            var duration = filter switch
            {
                "authentication" => random.Micros(20, 200),
                "audit" => random.Micros(10, 60),
                "impersonation" => random.Micros(3, 15),
                "authorization" => random.Micros(10, 120),
                _ => random.Micros(5, 60),
            };
            if (filter == "priorityandfairness" && throttled)
            {
                var flow = sim.Faults.ThrottledFlowReport!;
                flow.Requests++;
                duration += sim.Options.ApfQueueWait.Ticks * 100;
                rejected = PlantedFaults.IsNthOfRate(flow.Requests, PlantedFaults.ApfRejectRate);
                if (rejected) flow.Rejected++;
            }
            if (version.FilterSpans)
            {
                var span = sim.Recorder.Child(server.Context, false, sim.Cluster.Apiserver, SimulatedScope.FilterLatency, filter, SpanKind.Internal, t);
                sim.Recorder.End(span, t + duration);
            }
            t += duration + random.Micros(2, 10);
            if (rejected) break;
        }

        int status;
        if (rejected)
            status = 429;
        else
        {
            (t, status) = Handle(call, server.Context, auditId, t);
        }
        var end = t + random.Micros(10, 50);
        sim.Semconv.HttpServer(server, verb.Method, call.Path, call.Url, status, call.Caller.UserAgent, auditId);
        sim.Recorder.End(server, end, status >= 500 ? "" : null);
        return new ApiResult(end, status);
    }

    /// <summary>The otelhttp server span's name: <c>KubernetesAPI</c> before 1.31, then method and route (one string per route).</summary>
    private string ServerSpanName(ApiCall call)
    {
        if (!sim.Options.KubernetesVersion.RouteStyleServerSpanNames) return "KubernetesAPI";
        var key = (call.Verb, call.Resource, call.NamedInUrl, call.Subresource);
        if (!_serverSpanNames.TryGetValue(key, out var name))
            _serverSpanNames.Add(key, name = $"{call.Verb.Method} {call.Resource.Route(call.NamedInUrl, call.Subresource)}");
        return name;
    }

    /// <summary>The handler span and what runs under it; returns when it ended and the status.</summary>
    private (long End, int Status) Handle(ApiCall call, SimulatedSpanContext server, string auditId, long start)
    {
        var random = sim.Random;
        var verb = call.Verb;
        var handler = sim.Recorder.Child(server, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, verb.HandlerSpan, SpanKind.Internal, start);
        var cache = sim.Attributes;
        if (handler.Proto is { } proto)
        {
            var a = proto.Attributes;
            a.Add(cache.Str("accept", call.Caller.Accept));
            a.Add(Str("audit-id", auditId));
            a.Add(cache.Str("client", call.Caller.ClientIp));
            a.Add(cache.Str("api-group", call.Resource.Group));
            a.Add(cache.Str("api-version", call.Resource.Version));
            a.Add(Str("name", call.NamedInUrl ? call.Name : ""));
            a.Add(cache.Str("subresource", call.Subresource));
            a.Add(cache.Str("namespace", call.Namespace));
            a.Add(cache.Str("protocol", "HTTP/2.0"));
            a.Add(cache.Str("resource", call.Resource.Resource));
            a.Add(cache.Str("scope", call.Scope));
            a.Add(Str("url", call.Url));
            a.Add(cache.Str("user-agent", call.Caller.UserAgent));
            a.Add(cache.Str("verb", verb.MetricsVerb));
        }

        var t = start + random.Micros(20, 80); // decoding the body or the options
        if (verb.IsWatch)
        {
            var closed = Watches.Serve(call, handler.Context, auditId, t);
            sim.Recorder.End(handler, closed);
            return (closed, verb.SuccessStatus);
        }
        if (verb.AdmissionOperation is { } operation)
        {
            var admitted = _webhooks.Admit(call, operation, handler.Context, ref t);
            if (!admitted)
            {
                var failedAt = t + random.Micros(20, 80);
                sim.Recorder.End(handler, failedAt, "Internal error occurred: failed calling webhook");
                return (failedAt, 500);
            }
        }

        t = verb.Etcd == GrpcMethod.EtcdRange
            ? Cacher.Read(call, handler, auditId, t + random.Micros(5, 20))
            : Etcd.Write(call, handler.Context, auditId, t + random.Micros(5, 20));

        var serializeStart = t + random.Micros(5, 20);
        var serialize = sim.Recorder.Child(handler.Context, false, sim.Cluster.Apiserver, SimulatedScope.ComponentBase, "SerializeObject",
            SpanKind.Internal, serializeStart);
        if (serialize.Proto is { } s) ResponseEncoding.Describe(s, call, auditId, cache);
        var serializeEnd = serializeStart + (verb.IsList ? random.Micros(300, 4000) : random.Micros(20, 300));
        sim.Recorder.End(serialize, serializeEnd);
        var end = serializeEnd + random.Micros(5, 30);
        sim.Recorder.End(handler, end);
        return (end, verb.SuccessStatus);
    }
}
