using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The attributes and events of the spans that write a response, <c>SerializeObject</c> and
/// <c>WatchServer.HandleHTTP</c>: the request (its path, without the query), and the media type and encoder the
/// client's Accept header chose. The encoder is the versioning codec's identifier, JSON, as apimachinery prints it.
/// </summary>
internal static class ResponseEncoding
{
    private const string JsonSerializer = "{\"name\":\"json\",\"pretty\":\"false\",\"strict\":\"false\",\"yaml\":\"false\"}";

    public static void Describe(Span span, ApiCall call, string auditId, AttributeCache cache)
    {
        var json = call.Caller.Accept == ApiCaller.JsonAccept;
        var a = span.Attributes;
        a.Add(Str(ApiserverKeys.AuditId, auditId));
        a.Add(cache.Str(ApiserverKeys.Method, call.Verb.Method));
        a.Add(Str(ApiserverKeys.Url, call.Path));
        a.Add(cache.Str(ApiserverKeys.Protocol, "HTTP/2.0"));
        a.Add(cache.Str(ApiserverKeys.MediaType, json ? "application/json" : "application/vnd.kubernetes.protobuf"));
        a.Add(cache.Str(ApiserverKeys.Encoder, Encoder(call.Resource.GroupVersion, json)));
    }

    /// <summary><c>{"encodeGV":"apps/v1","encoder":"protobuf","name":"versioning"}</c> (versioning.go's identifier, fields in its order).</summary>
    public static string Encoder(string groupVersion, bool json) =>
        "{\"encodeGV\":\"" + groupVersion + "\",\"encoder\":\"" + (json ? JsonSerializer.Replace("\"", "\\\"", StringComparison.Ordinal) : "protobuf") + "\",\"name\":\"versioning\"}";

    /// <summary>The response writer's events, which moved their attributes in 1.33 (writers.go).</summary>
    public static void WriteEvents(in OpenSpan span, KubernetesVersion version, long writing, long written, int size)
    {
        if (!span.Recording) return;
        if (version.WriterOnFirstWriteEvent)
        {
            span.AddEvent(writing, ApiserverEvents.AboutToStartWriting, Str(ApiserverKeys.Writer, Writer), Int(ApiserverKeys.Size, size));
            span.AddEvent(written, ApiserverEvents.WriteCallSucceeded, Int(ApiserverKeys.Size, size));
        }
        else
        {
            span.AddEvent(writing, ApiserverEvents.AboutToStartWriting, Int(ApiserverKeys.Size, size));
            span.AddEvent(written, ApiserverEvents.WriteCallSucceeded, Str(ApiserverKeys.Writer, Writer), Int(ApiserverKeys.Size, size), Bool(ApiserverKeys.FirstWrite, true));
        }
    }

    /// <summary>The Go type of the response writer (<c>fmt.Sprintf("%T", w.w)</c>) over HTTP/2.</summary>
    private const string Writer = "*http2.responseWriter";
}
