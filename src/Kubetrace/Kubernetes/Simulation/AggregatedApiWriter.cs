using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The aggregation layer's proxy (kube-aggregator's proxyHandler, docs/catalog.md): a request for an API group
/// served by an extension API server is sent on to the APIService's service with the caller's headers and the
/// request's Audit-ID. From 1.31 the proxy's round tripper is otelhttp's (an <c>HTTP GET</c> client span under the
/// request context, whose traceparent it sends); before, no span, and the caller's own traceparent goes through.
/// The extension server runs the same k8s.io/apiserver request path (<see cref="ApiserverWriter"/>) as its own
/// process, with the caller's identity (X-Remote-User), so it follows or links the context by its trust rule.
/// </summary>
internal sealed class AggregatedApiWriter(SimulationContext sim)
{
    private ApiserverWriter Extension => field ??= new(sim, sim.Cluster.MetricsServer);

    /// <summary>Proxies <paramref name="call"/> from <paramref name="t"/>; returns when the response was copied back and its status.</summary>
    public (long End, int Status) Forward(ApiCall call, SimulatedSpanContext requestContext, SimulatedSpanContext? callerContext, string auditId, long t)
    {
        var random = sim.Random;
        var api = call.Resource.Aggregated!;
        sim.Report.AggregatedRequests++;
        if (sim.Faults.SlowExtensionReport is { } planted) planted.Requests++;
        var start = t + random.Micros(20, 80); // resolving the service, building the proxied request
        OpenSpan? proxy = sim.Options.KubernetesVersion.TracesAggregatorProxy
            ? sim.Recorder.Child(requestContext, false, sim.Cluster.Apiserver, SimulatedScope.OtelHttp, "HTTP " + call.Verb.Method, SpanKind.Client, start)
            : null;
        var forwarded = proxy is { } p ? p.Context : callerContext;
        var served = Extension.Write(call, start + random.Micros(150, 500), forwarded, auditId);
        var end = served.End + random.Micros(150, 500);
        if (proxy is { } span)
        {
            sim.Semconv.HttpClient(span, call.Verb.Method, $"https://{api.ServiceAddress}{call.Url}", api.ServiceIp, api.Port, served.Status);
            sim.Recorder.End(span, end, served.Failed ? $"HTTP {served.Status}" : null);
        }
        return (end + random.Micros(5, 20), served.Status);
    }

    /// <summary>An extension server's handler reading from its own memory (metrics-server's scraped metrics); the planted delay when slow.</summary>
    public static long ServeFromMemory(SimulationContext sim, long t) =>
        t + sim.Random.Micros(200, 2_000) + (sim.Faults.SlowExtensionReport is not null ? sim.Options.ExtensionAddedLatency.Ticks * 100 : 0);
}
