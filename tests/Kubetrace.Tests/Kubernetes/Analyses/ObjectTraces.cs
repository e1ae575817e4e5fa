using static Kubetrace.Otlp.Proto.Trace.Span.Types;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The life of pod shop/web-1 as four traces joined by span links, the way a real cluster records it:
/// kubectl's trace (T10) → link ← the apiserver's Create request (T11, with a mutating webhook and the etcd write);
/// kubelet's start-up sync (T12, CRI and containerd calls, then its status PATCH) → link ← the apiserver's Patch
/// request (T13). Decoys: the same name in another namespace (T14), and another pod (T15).
/// </summary>
internal static class ObjectTraces
{
    public const string Uid = "5f1c2a9e-0b7d-4c1e-9a3f-1d2e3f4a5b6c";
    public const int Kubectl = 10, CreateRequest = 11, KubeletSync = 12, PatchRequest = 13, OtherNamespace = 14, OtherPod = 15;

    public static KubeTraces Build()
    {
        var traces = new KubeTraces()
            .Span("kubectl", null, Kubectl, 1, 0, "kubectl create", 0, 120)
            .Span("kubectl", null, Kubectl, 2, 1, "HTTP POST", 5, 115, SpanKind.Client)
            .ApiserverRequest(CreateRequest, "POST", "Create", 10, subresource: null, "aud-create-1", link: (Kubectl, 2), etcd: "Create etcd3")
            .Span("apiserver", "cp-1", CreateRequest, 20, 3, "Call mutating webhook", 15, 40,
                attributes: [("configuration", "policy"), ("webhook", "policy.example.com"), ("operation", "CREATE"), ("resource", "pods")])
            .Span("apiserver", "cp-1", CreateRequest, 21, 20, "HTTP POST", 16, 39, SpanKind.Client)
            .Pod(KubeletSync, "node-1", "shop", "web-1", Uid, sandboxMs: 300, pullMs: 2000, "registry.example/web:1",
                createMs: 100, startMs: 100, otherMs: 500, atMs: 200)
            .Span("kubelet", "node-1", KubeletSync, 50, 1, "HTTP PATCH", 2800, 2850, SpanKind.Client)
            .ApiserverRequest(PatchRequest, "PATCH", "Patch", 2805, subresource: "status", "aud-patch-2", link: (KubeletSync, 50), etcd: "GuaranteedUpdate etcd3")
            .Span("apiserver", "cp-1", OtherNamespace, 3, 0, "Create", 30, 60,
                attributes: [("namespace", "other"), ("name", "web-1"), ("resource", "pods"), ("verb", "create")]);
        return traces.Pod(OtherPod, "node-2", "shop", "web-2", "9e8d7c6b-0000-4000-8000-000000000002",
            sandboxMs: 100, pullMs: 0, image: null, createMs: 100, startMs: 100, otherMs: 100, atMs: 300);
    }

    /// <summary>
    /// An apiserver request for shop/web-1 as 1.31+ records it: the HTTP server span (a new root, linked to the
    /// caller's span), the authentication filter, the handler span with its attributes, and storage: the etcd3
    /// span on the object's key, the etcd client span and etcd's server span on its own host.
    /// </summary>
    private static KubeTraces ApiserverRequest(this KubeTraces traces, int trace, string method, string verb, long atMs,
        string? subresource, string auditId, (int, int) link, string etcd)
    {
        // A create is addressed to the collection: its handler span has no name, only its etcd write names the pod.
        var handler = new List<(string, string)>
        {
            ("namespace", "shop"), ("resource", "pods"), ("verb", verb.ToLowerInvariant()), ("audit-id", auditId),
        };
        if (verb != "Create") handler.Add(("name", "web-1"));
        if (subresource is not null) handler.Add(("subresource", subresource));
        var route = "/api/v1/namespaces/{:namespace}/pods" + (method == "POST" ? "" : "/{:name}/status");
        return traces
            .Span("apiserver", "cp-1", trace, 1, 0, method + " " + route, atMs, atMs + 100, SpanKind.Server, link: link,
                attributes: [("http.method", method), ("http.status_code", method == "POST" ? "201" : "200"), ("audit-id", auditId)])
            .Span("apiserver", "cp-1", trace, 2, 1, "authentication", atMs + 1, atMs + 2)
            .Span("apiserver", "cp-1", trace, 3, 1, verb, atMs + 3, atMs + 98, attributes: handler.ToArray())
            .Span("apiserver", "cp-1", trace, 30, 3, etcd, atMs + 40, atMs + 90,
                attributes: [("key", "/registry/pods/shop/web-1"), ("audit-id", auditId), ("resource", "pods")])
            .Span("apiserver", "cp-1", trace, 31, 30, "etcdserverpb.KV/Txn", atMs + 45, atMs + 85, SpanKind.Client,
                attributes: [("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", "0")])
            .Span("etcd", "etcd-1", trace, 32, 31, "etcdserverpb.KV/Txn", atMs + 50, atMs + 80, SpanKind.Server);
    }
}
