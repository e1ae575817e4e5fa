using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using K = Kubetrace.Kubernetes.Catalog.ApiserverKeys;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>The otelhttp server span of every request: its name, attributes (otelhttp's, per the version each release pins, and Kubernetes' own) and when it ends.</summary>
public static partial class ApiserverCatalog
{
    /// <summary>The server span's name from 1.31: method and templated route, or the bare method for a non-resource request (<c>/healthz</c>).</summary>
    public const string RouteServerSpan = "<METHOD> <route>";

    private const string Target = "the request URI with its query, e.g. /api/v1/namespaces/default/pods?watch=true&resourceVersion=7";

    private static readonly AttributeShape[] Semconv112 =
    [
        Str("net.transport", "ip_tcp"), Str("net.peer.ip", "client IP"), Int("net.peer.port", "client port"),
        Str("net.host.name", "the Host header's name, e.g. kubernetes.default.svc", optional: true),
        Str("net.host.ip", "the Host header when it is an IP", optional: true), Int("net.host.port", "the Host header's port", optional: true),
        Str(K.HttpTarget, Target + " (otelhttp's own, RequestURI)"), Str("http.server_name", "KubernetesAPI"),
        Str("http.user_agent", "the User-Agent header", optional: true), Int("http.request_content_length", "request body length", optional: true),
        Str("http.scheme", "https"), Str("http.host", "the Host header"), Str("http.flavor", "2 (or 1.1)"), Str("http.method", "GET, POST, ..."),
        Int("http.read_bytes", "request body bytes read (at end)", optional: true), Int("http.wrote_bytes", "response bytes written (at end)", optional: true),
        Int("http.status_code", "the response status (at end)"),
    ];

    private static readonly AttributeShape[] Semconv117 =
    [
        Str("http.method", "GET, POST, ..."), Str("http.scheme", "https"), Str("http.flavor", "2.0 (or 1.1)"),
        Str("net.host.name", "the Host header's host"), Int("net.host.port", "the Host header's port when not the scheme's default", optional: true),
        Str("net.sock.peer.addr", "client IP"), Int("net.sock.peer.port", "client port"),
        Str("http.user_agent", "the User-Agent header", optional: true), Str("http.client_ip", "first X-Forwarded-For address", optional: true),
        Str(K.HttpTarget, Target + " (set by Kubernetes after the span starts, traces.go)"),
        Int("http.read_bytes", "request body bytes read (at end)", optional: true), Int("http.wrote_bytes", "response bytes written (at end)", optional: true),
        Int("http.status_code", "the response status (at end)"),
    ];

    private static readonly AttributeShape[] Semconv120Start =
    [
        Str("http.method", "GET, POST, ..."), Str("http.scheme", "https"),
        Str("net.host.name", "the Host header's host"), Int("net.host.port", "the Host header's port when not the scheme's default", optional: true),
        Str("net.sock.peer.addr", "client IP"), Int("net.sock.peer.port", "client port"),
        Str("user_agent.original", "the User-Agent header", optional: true), Str("http.client_ip", "first X-Forwarded-For address", optional: true),
        Str(K.HttpTarget, Target + " (otelhttp sets the path; Kubernetes replaces it with the request URI right after the span starts)"),
        Str("net.protocol.version", "2 (or 1.1)"),
    ];

    private static readonly AttributeShape[] Semconv120End =
    [
        Int("http.request_content_length", "request body bytes read (at end)", optional: true),
        Int("http.response_content_length", "response bytes written (at end)", optional: true),
        Int("http.status_code", "the response status (at end)"),
    ];

    private static readonly AttributeShape[] StableStart =
    [
        Str("server.address", "the Host header's host"), Str("http.request.method", "GET, POST, ..."), Str("url.scheme", "https"),
        Int("server.port", "the Host header's port when not the scheme's default", optional: true),
        Str("network.peer.address", "client IP"), Int("network.peer.port", "client port"),
        Str("user_agent.original", "the User-Agent header", optional: true), Str("client.address", "first X-Forwarded-For address, else the client IP"),
        Str("url.path", "the request path without the query"), Str("network.protocol.version", "2 (or 1.1)"),
        Str(K.HttpTarget, Target + " (Kubernetes' own, beside url.path)"),
        Str(K.AuditId, "the request's audit ID (a UUID)"),
        Int("http.request.body.size", "request body bytes read (at end)", optional: true),
        Int("http.response.body.size", "response bytes written (at end)", optional: true),
        Int("http.response.status_code", "the response status (at end)"),
    ];

    private const string ServerParent =
        "a new root (linked to the caller's span context when valid), or the caller's span for the callers the release follows (see the incoming trace context rule)";

    private const string EndsWithRequest = "when the whole handler chain returns (otelhttp defer span.End()), after setting the status attributes; a watch's when the watch closes";

    private const string RouteNote = "Route-style names from 1.31: \"GET /api/v1/namespaces/{:namespace}/pods/{:name}\", \"POST /apis/apps/v1/namespaces/{:namespace}/deployments\"; a non-resource request is the bare method.";

    private static IEnumerable<SpanShape> ServerSpans =>
    [
        Server(ReleaseRange.Kubernetes(27, 28), S.LegacyServerSpan, Semconv112, EndsWithRequest,
            [Src(27, TracesGo, 37, "otelhttp.NewHandler(handler, \"KubernetesAPI\")"), OtelHttp("0.35.1", HandlerGo, 143, "HTTPServerAttributesFromHTTPRequest, http.target with the query"),
             OtelHttp("0.35.1", HandlerGo, 206, "setAfterServeAttributes: http.status_code, status Error for 5xx")],
            "otelhttp 0.35.1 (semconv 1.12): http.user_agent, and http.target is otelhttp's own (the request URI with the query)."),
        Server(ReleaseRange.Kubernetes(29, 30), S.LegacyServerSpan, Semconv117, EndsWithRequest,
            [Src(29, TracesGo, 46, "otelhttp.NewHandler(wrappedHandler, \"KubernetesAPI\")"), Src(29, TracesGo, 40, "http.target = r.URL.RequestURI()"),
             OtelHttp("0.44.0", HandlerGo, 138, "semconvutil.HTTPServerRequest (semconv 1.17)"), OtelHttp("0.44.0", HandlerGo, 219, "setAfterServeAttributes")],
            "otelhttp 0.44 dropped http.target; Kubernetes adds it back (opentelemetry-go-contrib#3743)."),
        Server(ReleaseRange.Kubernetes(31, 32), RouteServerSpan, [.. Semconv120Start, .. Semconv120End], EndsWithRequest,
            [Src(31, TracesGo, 74, "span name: method and route"), Src(31, TracesGo, 49, "http.target = r.URL.RequestURI()"),
             OtelHttp("0.53.0", HandlerGo, 137, "RequestTraceAttrs (old conventions, semconv 1.20): user_agent.original"), OtelHttp("0.53.0", HandlerGo, 221, "ResponseTraceAttrs")],
            RouteNote),
        Server(ReleaseRange.Kubernetes(33, 33), RouteServerSpan, Semconv120Start,
            "right after the audit filter: tracing moved inside authentication while trackCompleted still ends trace.SpanFromContext(ctx), which is now the server span; " +
            "otelhttp's status attributes and its own End come later and are dropped",
            [Src(33, ConfigGo, 1046, "WithTracing inside WithAuthentication"), Src(33, FilterLatencyGo, 109, "trackCompleted: trace.SpanFromContext(ctx).End()"),
             Src(33, ConfigGo, 1036, "TrackCompleted after WithAudit"), OtelHttp("0.58.0", HandlerGo, 98, "RequestTraceAttrs (old conventions)")],
            "Broken in 1.33: no http.status_code, no status, and it ends before impersonation, priority and fairness, authorization and the handler run, " +
            "so its handler and storage spans end after it. The request's extent is its children's. Its start is after authentication (which is a trace of its own)."),
        Server(ReleaseRange.Kubernetes(34, 34), RouteServerSpan, [.. Semconv120Start, Str(K.AuditId, "the request's audit ID (a UUID)"), .. Semconv120End], EndsWithRequest,
            [Src(34, TracesGo, 66, "otelhttp.NewHandler"), Src(34, TracesGo, 61, "audit-id"), Src(34, FilterLatencyGo, 80, "filter spans end with defer: trackCompleted no longer ends the server span"),
             OtelHttp("0.58.0", HandlerGo, 98, "RequestTraceAttrs (old conventions)"), OtelHttp("0.58.0", HandlerGo, 181, "ResponseTraceAttrs")],
            RouteNote),
        Server(ReleaseRange.Kubernetes(35), RouteServerSpan, StableStart, EndsWithRequest,
            [Src(35, TracesGo, 58, "http.target = r.URL.RequestURI()"), Src(35, TracesGo, 61, "audit-id"),
             OtelHttp("0.61.0", HandlerGo, 101, "RequestTraceAttrs (stable conventions: url.path, no query)"), OtelHttp("0.61.0", HandlerGo, 189, "ResponseTraceAttrs"),
             OtelHttp("0.65.0", HandlerGo, 99, "RequestTraceAttrs (1.36)")],
            "Stable HTTP conventions from otelhttp 0.61 (1.35) and 0.65 (1.36); url.path has no query, Kubernetes' http.target keeps it."),
    ];

    private static SpanShape Server(ReleaseRange releases, string name, IReadOnlyList<AttributeShape> attributes, string ends,
        IReadOnlyList<SourceRef> sources, string note) =>
        Shape(releases, name, SpanKind.Server, S.OtelHttpScope, ServerParent, ends, sources) with { Attributes = attributes, Note = note };
}
