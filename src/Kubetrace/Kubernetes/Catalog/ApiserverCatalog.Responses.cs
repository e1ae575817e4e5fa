using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using E = Kubetrace.Kubernetes.Catalog.ApiserverEvents;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>The spans that write a response: <c>SerializeObject</c> for every non-watch response (errors included), <c>WatchServer.HandleHTTP</c> (1.36, streaming lists).</summary>
public static partial class ApiserverCatalog
{
    private const string EncoderForm =
        "the versioning codec's identifier, JSON: {\"encodeGV\":\"v1\",\"encoder\":\"protobuf\",\"name\":\"versioning\"}, or with the JSON serializer " +
        "{\"encodeGV\":\"v1\",\"encoder\":\"{\\\"name\\\":\\\"json\\\",\\\"pretty\\\":\\\"false\\\",\\\"strict\\\":\\\"false\\\",\\\"yaml\\\":\\\"false\\\"}\",\"name\":\"versioning\"}";

    private static readonly AttributeShape[] ResponseAttributes =
    [
        Str(K.AuditId, "the audit ID (a UUID)"), Str(K.Method, "GET, POST, ..."), Str(K.Url, "the request path without the query"), Str(K.Protocol, "HTTP/2.0"),
        Str(K.MediaType, "application/vnd.kubernetes.protobuf, application/json, ..."), Str(K.Encoder, EncoderForm),
    ];

    private static readonly ReleaseRange Through132 = ReleaseRange.Kubernetes(27, 32);
    private static readonly ReleaseRange From133 = ReleaseRange.Kubernetes(33);

    private static readonly EventShape[] WriteEvents =
    [
        Event(E.AboutToStartWriting, "when the encoded object is written", Through132, K.Size),
        Event(E.AboutToStartWriting, "when the encoded object is written", From133, K.Writer, K.Size),
        Event(E.WriteCallSucceeded, null, Through132, K.Writer, K.Size, K.FirstWrite),
        Event(E.WriteCallSucceeded, "when the writer closes", From133, K.Size),
        Event(E.WriteCallFailed, "the client went away", Through132, K.Writer, K.Size, K.FirstWrite, K.Err),
        Event(E.WriteCallFailed, "the client went away", From133, K.Size, K.Err),
    ];

    private static IEnumerable<SpanShape> ResponseSpans =>
    [
        Serialize(ReleaseRange.Kubernetes(27, 31),
            "the request context's span, not the handler's: the handlers did not put their span into the request until 1.32 (kubernetes#124073), " +
            "so through 1.31 SerializeObject is the handler's sibling under the authentication span",
            [Src(27, WritersGo, 94, "tracing.Start(ctx = req.Context())"), Src(27, WritersGo, 205, "About to start writing response"), Src(27, GetGo, 58, "Get: no req.WithContext")]),
        Serialize(ReleaseRange.Kubernetes(32),
            "the handler span (every handler re-wraps the request context from 1.32)",
            [Src(32, WritersGo, 94, "tracing.Start"), Src(32, GetGo, 61, "req = req.WithContext(ctx)"), Src(33, WritersGo, 275, "1.33: About to start writing response with writer")]),
        Shape(ReleaseRange.Kubernetes(36), S.WatchServer, SpanKind.Internal, S.ComponentBaseScope, "the WatchList span",
            "only when a streaming list's initial events are written (span.End after \"Writing initial events done\"); a plain watch's is never ended, so never exported",
            [Src(36, WatchGo, 243, "tracing.Start(\"WatchServer.HandleHTTP\")"), Src(36, WatchGo, 340, "Writing initial events done"), Src(36, WatchGo, 341, "the only span.End")])
        with
        {
            Attributes =
            [
                Str(K.AuditId, "the audit ID (a UUID)"), Str(K.Method, "GET"), Str(K.Url, "the request path without the query"), Str(K.Protocol, "HTTP/2.0"),
                Str(K.MediaType, "the watch stream's media type"), Str(K.Encoder, "the watch encoder's identifier"),
            ],
            Events = [Event(E.AboutToStartWriting, "before the first event"), Event(E.InitialEventsDone, "the initial-events-end bookmark was written")],
            Note = "Exported for streaming lists (WatchList) only.",
        },
    ];

    private static SpanShape Serialize(ReleaseRange releases, string parent, IReadOnlyList<SourceRef> sources) =>
        Shape(releases, S.SerializeObject, SpanKind.Internal, S.ComponentBaseScope, parent, "when the response is written (defer span.End(5s))",
            [.. sources, Apimachinery(34, "pkg/runtime/serializer/versioning/versioning.go", 103, "the encoder identifier")])
        with { Attributes = ResponseAttributes, Events = WriteEvents, Note = "Error responses (a rejected create, a 404) are encoded through it too." };
}
