using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// kube-apiserver requests shaped as each release's code builds them (docs/catalog.md), with round times so that
/// the expected shares are exact. Storage spans are as the storage catalog had them when these were written.
/// </summary>
internal static class ApiserverFixtures
{
    /// <summary>
    /// Kubernetes 1.27: a pod create, 0–100 ms, server span <c>KubernetesAPI</c>, old HTTP and RPC conventions.
    /// The one filter span, <c>authentication</c> 0.5–2.5, is the server span's child and stays the request
    /// context's span: the handler <c>Create</c> 3–95 hangs under it, and so does SerializeObject 82–90 (the
    /// handler's sibling through 1.31). Under the handler: mutating webhook 5–25 (its HTTP POST 6–24),
    /// <c>Create etcd3</c> 40–80, whose etcd client Txn 45–75 has etcd's server span 47–73.
    /// Time: authentication 2, webhook 20, etcd 40 (storage and client and server, once), serialization 8, rest 30.
    /// </summary>
    public static TraceBuilder PodCreate127(DateTimeOffset? origin = null, double webhookMs = 20)
    {
        var t = new TraceBuilder(origin);
        var shift = webhookMs - 20;
        var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, 100 + shift,
            ("http.method", "POST"), ("http.target", "/api/v1/namespaces/default/pods"), ("http.status_code", 201));
        var authentication = t.Internal("authentication", root, 0.5, 2.5);
        var handler = t.Internal("Create", authentication, 3, 95 + shift, ("verb", "POST"), ("resource", "pods"), ("url", "/api/v1/namespaces/default/pods"));
        var webhook = t.Internal("Call mutating webhook", handler, 5, 25 + shift,
            ("configuration", "istio-sidecar-injector"), ("webhook", "namespace.sidecar-injector.istio.io"),
            ("resource", "/v1, Resource=pods"), ("subresource", ""), ("operation", "CREATE"), ("UID", "5f1c"));
        t.Add("apiserver", "HTTP POST", SpanKind.Client, webhook, 6, 24 + shift,
            ("http.method", "POST"), ("http.url", "https://istiod.istio-system.svc:443/inject?timeout=10s"), ("http.status_code", 200));
        var storage = t.Internal("Create etcd3", handler, 40 + shift, 80 + shift,
            ("key", "/registry/pods/default/web-0"), ("type", "*core.Pod"), ("resource", "pods"));
        var client = t.Add("apiserver", "etcdserverpb.KV/Txn", SpanKind.Client, storage, 45 + shift, 75 + shift,
            ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", 0));
        t.Add("etcd", "etcdserverpb.KV/Txn", SpanKind.Server, client, 47 + shift, 73 + shift,
            ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", 0));
        t.Internal("SerializeObject", authentication, 82 + shift, 90 + shift);
        return t;
    }

    /// <summary>
    /// Kubernetes 1.36: a pod get, 0–50 ms, route-style server span, new conventions, the filter spans nested as
    /// filterlatency nests them from 1.34, each ending when the request ends (<c>defer span.End()</c>): audit 1–45.4,
    /// impersonation 2–45.3, priorityandfairness 3–45.2 (queued until 13), authorization 13–45.1, handler <c>Get</c>
    /// 17–45 under authorization; <c>Get etcd3</c> 20–40 with its Range 22–38; SerializeObject 41–44. No
    /// authentication span: from 1.33 it is a trace of its own.
    /// Time: audit and impersonation 2.2, APF 10.1, authorization 4.1, etcd 20, serialization 3, rest 10.6.
    /// </summary>
    public static TraceBuilder PodGet136(DateTimeOffset? origin = null, double queuedMs = 10)
    {
        var t = new TraceBuilder(origin);
        var shift = queuedMs - 10;
        var root = t.Add("apiserver", "GET /api/v1/namespaces/{:namespace}/pods/{:name}", SpanKind.Server, null, 0, 50 + shift,
            ("http.request.method", "GET"), ("url.path", "/api/v1/namespaces/default/pods/web-0"),
            ("http.target", "/api/v1/namespaces/default/pods/web-0"), ("http.response.status_code", 200), ("audit-id", "a1b2"));
        var audit = t.Internal("audit", root, 1, 45.4 + shift);
        var impersonation = t.Internal("impersonation", audit, 2, 45.3 + shift);
        var fairness = t.Internal("priorityandfairness", impersonation, 3, 45.2 + shift);
        var authorization = t.Internal("authorization", fairness, 13 + shift, 45.1 + shift);
        var handler = t.Internal("Get", authorization, 17 + shift, 45 + shift,
            ("verb", "GET"), ("resource", "pods"), ("namespace", "default"), ("name", "web-0"));
        var storage = t.Internal("Get etcd3", handler, 20 + shift, 40 + shift, ("key", "/registry/pods/default/web-0"), ("resource", "pods"));
        t.Add("apiserver", "etcdserverpb.KV/Range", SpanKind.Client, storage, 22 + shift, 38 + shift,
            ("rpc.system.name", "grpc"), ("rpc.method", "etcdserverpb.KV/Range"), ("rpc.response.status_code", "OK"));
        t.Internal("SerializeObject", handler, 41 + shift, 44 + shift);
        return t;
    }

    /// <summary>
    /// Kubernetes 1.34: a deployment update, 0–40 ms, with two validating webhooks called in parallel, policy
    /// 10–30 and quota 10–20. Time: 10–20 is shared (5 each), so policy 15, quota 5, rest 20.
    /// </summary>
    public static TraceBuilder DeploymentUpdateWithParallelWebhooks(DateTimeOffset? origin = null)
    {
        var t = new TraceBuilder(origin);
        var root = t.Add("apiserver", "PUT /apis/apps/v1/namespaces/{:namespace}/deployments/{:name}", SpanKind.Server, null, 0, 40,
            ("http.method", "PUT"), ("http.target", "/apis/apps/v1/namespaces/shop/deployments/cart"));
        foreach (var (name, toMs) in new[] { ("policy.example.com", 30.0), ("quota.example.com", 20.0) })
        {
            var webhook = t.Internal("Call validating webhook", root, 10, toMs,
                ("configuration", "guards"), ("webhook", name), ("resource", "apps/v1, Resource=deployments"), ("operation", "UPDATE"));
            t.Add("apiserver", "HTTP POST", SpanKind.Client, webhook, 10.5, toMs - 0.5, ("http.method", "POST"), ("http.status_code", 200));
        }
        t.Internal("Update", root, 32, 38, ("verb", "PUT"), ("resource", "deployments"));
        return t;
    }

    /// <summary>A 1.36 pod list lasting <paramref name="durationMs"/>, all of it the handler's own time.</summary>
    public static TraceBuilder PodList(double durationMs, DateTimeOffset? origin = null)
    {
        var t = new TraceBuilder(origin);
        var root = t.Add("apiserver", "GET /api/v1/namespaces/{:namespace}/pods", SpanKind.Server, null, 0, durationMs,
            ("http.request.method", "GET"));
        t.Internal("List", root, 0, durationMs, ("verb", "LIST"), ("resource", "pods"));
        return t;
    }
}
