using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// A caller's request to the apiserver: a traced caller (kubelet, operator, deployer) records an otelhttp client
/// span <c>HTTP GET</c> around it, with the URL, method and user agent otelhttp records
/// (<see cref="SemanticConventions.HttpClient"/>), and sends its traceparent; an untraced one (controller-manager, scheduler, kubectl)
/// sends none, and the apiserver's trace stands alone.
/// </summary>
internal sealed class ClientCallWriter(SimulationContext sim, ApiserverWriter apiserver)
{
    /// <summary>Writes the call leaving the caller at <paramref name="start"/>, under <paramref name="parent"/> or as a root.</summary>
    public ApiResult Call(ApiCall call, long start, SimulatedSpanContext? parent = null)
    {
        if (call.Caller.Traced is not { } component) return apiserver.Write(call, start, null);
        var random = sim.Random;
        var name = "HTTP " + call.Verb.Method;
        var span = parent is { } p
            ? sim.Recorder.Child(p, false, component, SimulatedScope.OtelHttp, name, SpanKind.Client, start)
            : sim.Recorder.Root(component, SimulatedScope.OtelHttp, name, SpanKind.Client, start, sim.Sampler);
        var result = apiserver.Write(call, start + random.Micros(100, 600), span.Context);
        var end = result.End + random.Micros(100, 600);
        sim.Semconv.HttpClient(span, call.Verb.Method, SemanticConventions.ApiserverUrl + call.Url, SemanticConventions.ApiserverHost, 443, result.Status,
            call.Caller.UserAgent, result.RequestBytes);
        sim.Recorder.End(span, end, result.Failed ? $"HTTP {result.Status}" : null);
        return result with { End = end };
    }
}
