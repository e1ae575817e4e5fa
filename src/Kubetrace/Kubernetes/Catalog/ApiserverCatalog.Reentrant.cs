using static Kubetrace.Kubernetes.Catalog.ApiserverSources;
using S = Kubetrace.Kubernetes.Catalog.ApiserverSpans;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// Requests the apiserver sends to itself or through itself: the loopback client (admission plugins' live lookups
/// and quota writes) and the aggregation layer's proxy to extension API servers (<c>metrics.k8s.io</c>, custom API
/// servers). Both are otelhttp client spans (component-base's <c>WrapperFor</c>); the request they send is served
/// by an apiserver whose own server span follows or links it by the trust rule of its release.
/// </summary>
public static partial class ApiserverCatalog
{
    private const string LoopbackUrl = "https://<loopback address>:<secure port>/api/v1/... (the bind address's loopback interface, e.g. 127.0.0.1:6443)";

    private static IEnumerable<SpanShape> ReentrantSpans =>
    [
        .. OtelHttpClientVersions.Select(v => Loopback(v.Releases, v.OtelHttp, v.AttributesLine)),
        // The proxy is traced from 1.31, whose otelhttp starts a row of its own.
        .. OtelHttpClientVersions.Where(v => v.Releases.From.Minor >= 31).Select(v => AggregatorProxy(v.Releases, v.OtelHttp, v.AttributesLine)),
    ];

    private static SpanShape Loopback(ReleaseRange releases, string otelhttp, int attributesLine) =>
        Shape(releases, S.OtelHttpClientSpan, SpanKind.Client, S.OtelHttpScope,
            "root: the loopback's callers in k8s.io/apiserver pass context.TODO() (NamespaceLifecycle's live Get of a namespace missing from its informer, " +
            "ResourceQuota's live List and UpdateStatus of the quota it charged), so the span starts a trace of its own, sampled by the ratio, " +
            "with no link to the request being admitted",
            "when the response body is closed (otelhttp's wrapped body)",
            [
                Src(releases.From.Minor, TracingOptionsGo, releases.From.Minor >= 32 ? 132 : 124, "LoopbackClientConfig.Wrap(tracing.WrapperFor)"),
                ComponentBase(releases.From.Minor, "tracing/utils.go", releases.From.Minor switch { 27 => 117, 29 => 126, _ => 127 }, "WrapperFor: otelhttp.NewTransport"),
                OtelHttp(otelhttp, TransportGo, attributesLine, "client request attributes"),
                Src(releases.From.Minor, "pkg/server/config_selfclient.go", 44, "Host: https:// + loopback host:port"),
                Src(releases.From.Minor, "pkg/server/config.go", LoopbackTokenLine(releases.From.Minor), "loopback token: system:apiserver in system:masters"),
                Src(releases.From.Minor, "pkg/admission/plugin/resourcequota/resource_access.go", releases.From.Minor >= 33 ? 80 : 75, "UpdateStatus(context.TODO(), ...)"),
                Src(releases.From.Minor, "pkg/admission/plugin/namespace/lifecycle/admission.go", 157, "Namespaces().Get(context.TODO(), ...)"),
            ])
        with
        {
            Attributes = OtelHttpClientAttributes(releases, "the request's method (GET, PUT, ...)", LoopbackUrl, "the loopback address, e.g. 127.0.0.1"),
            Events = [.. ClientError.Where(e => e.Releases is not { } r || r.Contains(releases.From))],
            Note = "The request it sends is served by the same apiserver as user system:apiserver in groups system:authenticated and system:masters. " +
                   (releases.From.Minor >= 33
                       ? "From 1.33 system:masters callers' traceparent is followed: the server span is this span's child, in the same trace. "
                       : "Through 1.32 the server span starts a new trace with a link to this span. ") +
                   "The time is spent inside the admitted request's handler, but no span joins the two traces: only time, apiserver instance and namespace relate them.",
        };

    private static SpanShape AggregatorProxy(ReleaseRange releases, string otelhttp, int attributesLine) =>
        Shape(releases, S.OtelHttpClientSpan, SpanKind.Client, S.OtelHttpScope,
            "the innermost span of the request context: the server span through 1.33 (in 1.33 already ended by the audit filter), the authorization filter span from 1.34. " +
            "No handler span: the aggregator's proxyHandler serves requests for an APIService backed by a service (not upgrades such as exec, which bypass the round tripper)",
            "when the extension server's response body has been copied to the caller and closed",
            [
                Aggregator(releases.From.Minor, HandlerProxyGo, releases.From.Minor >= 32 ? 170 : 165, "tracing.WrapperFor(r.tracerProvider) unless upgrade"),
                Aggregator(releases.From.Minor, HandlerProxyGo, 148, "location.Path = req.URL.Path: the caller's path and query"),
                Aggregator(releases.From.Minor, "pkg/apiserver/resolvers.go", 62, "ResolveCluster: the service's cluster IP (or an endpoint IP with --enable-aggregator-routing)"),
                Src(releases.From.Minor, "pkg/util/proxy/proxy.go", releases.From.Minor >= 32 ? 176 : 152, "NewRequestForProxy: the caller's headers cloned"),
                Src(releases.From.Minor, "pkg/util/proxy/proxy.go", releases.From.Minor >= 32 ? 183 : 159, "Audit-ID header set to the request's audit ID"),
                OtelHttp(otelhttp, TransportGo, attributesLine, "client request attributes"),
            ])
        with
        {
            Attributes = OtelHttpClientAttributes(releases, "the caller's method", "https://<service IP>:<port>/apis/<group>/<version>/... (the caller's path and query)",
                "the APIService's service IP (cluster IP), not its name"),
            Events = [.. ClientError.Where(e => e.Releases is not { } r || r.Contains(releases.From))],
            Note = "From 1.31 (kube-aggregator 373aa166). Before 1.31 the proxy has no span and forwards the caller's headers unchanged, its traceparent included, " +
                   "so the extension server sees the client's context, not the apiserver's. In every release the Audit-ID header carries the request's audit ID, " +
                   "which the extension server adopts (its spans' audit-id). The extension server, built on k8s.io/apiserver, reports service.name apiserver as " +
                   "kube-apiserver does (only service.instance.id, a hash of its own host name, differs); it authenticates the aggregator by the front-proxy " +
                   "certificate and takes the user from X-Remote-User/X-Remote-Group, so from its 1.33 it follows the traceparent only when the original caller is " +
                   "in system:masters or system:monitoring; otherwise its server span starts a new trace linked to this span.",
        };

    private static int LoopbackTokenLine(int minor) => minor switch
    {
        27 => 1061, 28 => 1073, 29 => 1142, 30 => 1155, 31 => 1170, 32 => 1176, 33 or 34 => 1184, 35 => 1190, _ => 1211,
    };
}
