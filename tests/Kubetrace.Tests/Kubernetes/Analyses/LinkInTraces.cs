using static Kubetrace.Otlp.Proto.Trace.Span.Types;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Pod shop/api-1's start-up, where nothing but span links tie the requests to the pod: kubelet's syncPod (T40)
/// GETs the pod's secret and its config map; the apiserver serves each as a trace of its own whose root links to
/// kubelet's client span (T41 the secret, T42 the config map), and T42's authorization webhook — an external
/// authorizer built on the apiserver library — starts a trace of its own again, linked to the apiserver's call (T43,
/// a second hop). Decoys: a request linking to another pod's sync (T44 → T45), and one linking only to the
/// kubelet's sync as a whole from outside the range (T46, an hour later).
/// </summary>
internal static class LinkInTraces
{
    public const string Uid = "7a1c2a9e-0b7d-4c1e-9a3f-1d2e3f4a5b01";
    public const int Sync = 40, SecretGet = 41, ConfigMapGet = 42, Authorizer = 43, OtherPodGet = 44, OtherPodSync = 45, Later = 46;
    public const int SecretCall = 60, ConfigMapCall = 61, AuthorizerCall = 21;

    public static KubeTraces Build() => new KubeTraces()
        .Pod(Sync, "node-1", "shop", "api-1", Uid, sandboxMs: 300, pullMs: 0, image: null, createMs: 100, startMs: 100, otherMs: 500, atMs: 1000)
        .Span("kubelet", "node-1", Sync, SecretCall, 1, "HTTP GET", 1001, 1011, SpanKind.Client)
        .Span("kubelet", "node-1", Sync, ConfigMapCall, 1, "HTTP GET", 1012, 1030, SpanKind.Client)
        .Get(SecretGet, "secrets", "api-token", 1002, link: (Sync, SecretCall))
        .Get(ConfigMapGet, "configmaps", "api-config", 1013, link: (Sync, ConfigMapCall))
        .Span("apiserver", "cp-1", ConfigMapGet, 20, 1, "authorization", 1014, 1018)
        .Span("apiserver", "cp-1", ConfigMapGet, AuthorizerCall, 20, "HTTP POST", 1014, 1018, SpanKind.Client)
        .Span("authorizer", "authz-1", Authorizer, 1, 0, "POST /authorize", 1015, 1017, SpanKind.Server, link: (ConfigMapGet, AuthorizerCall))
        .Pod(OtherPodSync, "node-2", "shop", "api-2", "7a1c2a9e-0b7d-4c1e-9a3f-1d2e3f4a5b02", sandboxMs: 100, pullMs: 0, image: null,
            createMs: 100, startMs: 100, otherMs: 100, atMs: 1000)
        .Span("kubelet", "node-2", OtherPodSync, SecretCall, 1, "HTTP GET", 1001, 1011, SpanKind.Client)
        .Get(OtherPodGet, "secrets", "api-token", 1003, link: (OtherPodSync, SecretCall))
        .Get(Later, "configmaps", "api-config", 3_601_000, link: (Sync, 1));

    /// <summary>An apiserver GET of one object (1.31+ names): the server span with its link, the handler, the etcd read.</summary>
    private static KubeTraces Get(this KubeTraces traces, int trace, string resource, string name, long atMs, (int, int) link) => traces
        .Span("apiserver", "cp-1", trace, 1, 0, $"GET /api/v1/namespaces/{{:namespace}}/{resource}/{{:name}}", atMs, atMs + 8, SpanKind.Server,
            link: link, attributes: [("http.method", "GET"), ("http.status_code", "200"), ("audit-id", $"aud-{trace}")])
        .Span("apiserver", "cp-1", trace, 3, 1, "Get", atMs + 5, atMs + 8,
            attributes: [("namespace", "shop"), ("name", name), ("resource", resource), ("verb", "get"), ("audit-id", $"aud-{trace}")])
        .Span("apiserver", "cp-1", trace, 30, 3, "Get etcd3", atMs + 6, atMs + 7,
            attributes: [("key", $"/registry/{resource}/shop/{name}"), ("resource", resource)]);
}
