using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The attributes of the spans that write a response, <c>SerializeObject</c> and <c>WatchServer.HandleHTTP</c>:
/// the request and the media type and encoder the client's Accept header chose.
/// </summary>
internal static class ResponseEncoding
{
    public static void Describe(Span span, ApiCall call, string auditId, AttributeCache cache)
    {
        var json = call.Caller.Accept == ApiCaller.JsonAccept;
        var a = span.Attributes;
        a.Add(Str("audit-id", auditId));
        a.Add(cache.Str("method", call.Verb.Method));
        a.Add(Str("url", call.Url));
        a.Add(cache.Str("protocol", "HTTP/2.0"));
        a.Add(cache.Str("mediaType", json ? "application/json" : "application/vnd.kubernetes.protobuf"));
        a.Add(cache.Str("encoder", json ? "json" : "protobuf"));
    }
}
