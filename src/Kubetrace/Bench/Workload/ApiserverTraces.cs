using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// One kube-apiserver request as a trace: the otelhttp server span, the filter spans, admission webhooks for
/// writes, the handler span, the storage span, and the etcd call seen from both the client (apiserver) and the
/// server (etcd). 10 to 12 spans.
/// </summary>
internal static class ApiserverTraces
{
    private sealed record Call(string Method, string Verb, string Handler, string Storage, string EtcdMethod,
        bool Named, bool Write, int MinMicros, int MaxMicros);

    private static readonly Call GetCall = new("GET", "get", "Get", "Get etcd3", "Range", true, false, 800, 6000);
    private static readonly Call ListCall = new("GET", "list", "List", "List(recursive=true) etcd3", "Range", false, false, 3000, 40000);
    private static readonly Call CreateCall = new("POST", "create", "Create", "Create etcd3", "Txn", false, true, 4000, 25000);
    private static readonly Call PatchCall = new("PATCH", "patch", "Patch", "GuaranteedUpdate etcd3", "Txn", true, true, 3000, 20000);

    private static readonly string[] Filters = ["authentication", "audit", "authorization", "priorityandfairness"];

    public static void Get(TraceWriter w) => Request(w, GetCall);

    public static void List(TraceWriter w) => Request(w, ListCall);

    public static void Create(TraceWriter w) => Request(w, CreateCall);

    public static void Patch(TraceWriter w) => Request(w, PatchCall);

    private static void Request(TraceWriter w, Call call)
    {
        var v = w.Vocabulary;
        var resource = v.Resource();
        var ns = v.Namespace();
        var name = call.Named || call.Write ? v.ObjectName(resource) : null;
        var url = resource.Path(ns, call.Named ? name : null);
        var auditId = v.Uid();
        var userAgent = v.UserAgent();
        var status = StatusCode(v, call);
        var duration = v.Micros(call.MinMicros, call.MaxMicros);

        var root = w.Add(K8sComponent.Apiserver, InstrumentationScopes.OtelHttp, $"{call.Method} {resource.Route(call.Named)}",
            SpanKind.Server, null, 0, duration);
        root.Attributes.Add(Str("http.method", call.Method));
        root.Attributes.Add(Str("http.target", url));
        root.Attributes.Add(Str("http.scheme", "https"));
        root.Attributes.Add(Str("http.flavor", "2"));
        root.Attributes.Add(Int("http.status_code", status));
        root.Attributes.Add(Str("net.host.name", "10.96.0.1"));
        root.Attributes.Add(Int("net.host.port", 6443));
        root.Attributes.Add(Str("net.sock.peer.addr", v.ClientIp()));
        root.Attributes.Add(Int("net.sock.peer.port", v.Port()));
        root.Attributes.Add(Str("user_agent.original", userAgent));
        root.Attributes.Add(Str("audit-id", auditId));
        root.Attributes.Add(Int("http.response_content_length", v.Random.Next(200, 40000)));
        if (w.PendingCaller is { } caller)
        {
            w.LinkTo(root, caller);
            w.PendingCaller = null;
        }
        else
        {
            w.LinkToExternalCaller(root);
        }
        if (status >= 500)
            TraceWriter.Fail(root, "Internal error occurred: etcdserver: request timed out");

        var offset = v.Micros(5, 30);
        foreach (var filter in Filters)
        {
            var filterDuration = v.Micros(10, 150);
            w.Add(K8sComponent.Apiserver, InstrumentationScopes.FilterLatency, filter, SpanKind.Internal, root, offset, filterDuration)
                .Attributes.Add(Str("audit-id", auditId));
            offset += filterDuration + 2_000;
        }

        if (call.Write)
            offset += MutatingWebhook(w, root, offset, resource, call);

        var handler = w.Add(K8sComponent.Apiserver, InstrumentationScopes.ComponentBase, call.Handler, SpanKind.Internal, root,
            offset, Math.Max(duration - offset - 20_000, 50_000));
        handler.Attributes.Add(Str("accept", "application/vnd.kubernetes.protobuf, */*"));
        handler.Attributes.Add(Str("audit-id", auditId));
        handler.Attributes.Add(Str("client", v.ClientIp()));
        handler.Attributes.Add(Str("api-group", resource.Group));
        handler.Attributes.Add(Str("api-version", resource.Version));
        if (name is not null) handler.Attributes.Add(Str("name", name));
        handler.Attributes.Add(Str("subresource", ""));
        handler.Attributes.Add(Str("namespace", resource.Namespaced ? ns : ""));
        handler.Attributes.Add(Str("protocol", "HTTP/2.0"));
        handler.Attributes.Add(Str("resource", resource.Resource));
        handler.Attributes.Add(Str("scope", resource.Namespaced ? "namespace" : "cluster"));
        handler.Attributes.Add(Str("url", url));
        handler.Attributes.Add(Str("user-agent", userAgent));
        handler.Attributes.Add(Str("verb", call.Verb.ToUpperInvariant()));
        if (status is 404 or 409)
            TraceWriter.Fail(handler, status == 404 ? $"{resource.Resource} \"{name}\" not found" : $"{resource.Resource} \"{name}\" already exists");

        var handlerDuration = (long)(handler.EndTimeUnixNano - handler.StartTimeUnixNano);
        var storage = w.Add(K8sComponent.Apiserver, InstrumentationScopes.ComponentBase, call.Storage, SpanKind.Internal, handler,
            20_000, handlerDuration * 3 / 5);
        storage.Attributes.Add(Str("audit-id", auditId));
        storage.Attributes.Add(Str("key", resource.StorageKey(ns, call.Named ? name : null)));
        storage.Attributes.Add(Str("type", resource.StorageType));
        storage.Attributes.Add(Str("group", resource.Group));
        storage.Attributes.Add(Str("resource", resource.Resource));
        if (!call.Named && !call.Write)
        {
            storage.Attributes.Add(Str("resourceVersion", ""));
            storage.Attributes.Add(Str("resourceVersionMatch", ""));
            storage.Attributes.Add(Int("limit", 500));
        }

        EtcdCall(w, storage, call.EtcdMethod, (long)(storage.EndTimeUnixNano - storage.StartTimeUnixNano), status >= 500);

        if (status < 400)
        {
            w.Add(K8sComponent.Apiserver, InstrumentationScopes.ComponentBase, "SerializeObject", SpanKind.Internal, handler,
                    handlerDuration * 4 / 5, handlerDuration / 6)
                .Attributes.Add(Str("audit-id", auditId));
        }
    }

    /// <summary>The etcd KV call: the apiserver's client span and etcd's server span under it.</summary>
    private static void EtcdCall(TraceWriter w, Span storage, string method, long storageDuration, bool timedOut)
    {
        var v = w.Vocabulary;
        var name = $"etcdserverpb.KV/{method}";
        var grpcStatus = timedOut ? 4 : 0; // DEADLINE_EXCEEDED
        var client = w.Add(K8sComponent.Apiserver, InstrumentationScopes.OtelGrpc, name, SpanKind.Client, storage,
            10_000, Math.Max(storageDuration - 20_000, 8_000));
        client.Attributes.Add(Str("rpc.system", "grpc"));
        client.Attributes.Add(Str("rpc.service", "etcdserverpb.KV"));
        client.Attributes.Add(Str("rpc.method", method));
        client.Attributes.Add(Int("rpc.grpc.status_code", grpcStatus));
        client.Attributes.Add(Str("net.peer.name", "127.0.0.1"));
        client.Attributes.Add(Int("net.peer.port", 2379));
        var server = w.Add(K8sComponent.Etcd, InstrumentationScopes.OtelGrpc, name, SpanKind.Server, client,
            15_000, Math.Max(storageDuration - 50_000, 5_000));
        server.Attributes.Add(Str("rpc.system", "grpc"));
        server.Attributes.Add(Str("rpc.service", "etcdserverpb.KV"));
        server.Attributes.Add(Str("rpc.method", method));
        server.Attributes.Add(Int("rpc.grpc.status_code", grpcStatus));
        server.Attributes.Add(Str("net.peer.ip", "127.0.0.1"));
        server.Attributes.Add(Int("net.peer.port", v.Port()));
        if (timedOut)
        {
            TraceWriter.Fail(client, "context deadline exceeded");
            TraceWriter.Fail(server, "etcdserver: request timed out");
        }
    }

    /// <summary>A mutating admission webhook and the HTTP call it makes; returns the time it took.</summary>
    private static long MutatingWebhook(TraceWriter w, Span root, long offset, ApiResource resource, Call call)
    {
        var v = w.Vocabulary;
        var duration = v.Micros(800, 4000);
        var webhook = w.Add(K8sComponent.Apiserver, InstrumentationScopes.ComponentBase, "Call mutating webhook", SpanKind.Internal,
            root, offset, duration);
        webhook.Attributes.Add(Str("configuration", "istio-sidecar-injector"));
        webhook.Attributes.Add(Str("webhook", "namespace.sidecar-injector.istio.io"));
        webhook.Attributes.Add(Str("resource", $"{resource.Group}/{resource.Version}, Resource={resource.Resource}"));
        webhook.Attributes.Add(Str("subresource", ""));
        webhook.Attributes.Add(Str("operation", call.Verb == "create" ? "CREATE" : "UPDATE"));
        webhook.Attributes.Add(Str("UID", v.Uid()));
        var post = w.Add(K8sComponent.Apiserver, InstrumentationScopes.OtelHttp, "HTTP POST", SpanKind.Client, webhook,
            50_000, Math.Max(duration - 100_000, 50_000));
        post.Attributes.Add(Str("http.method", "POST"));
        post.Attributes.Add(Str("http.url", "https://istiod.istio-system.svc:443/inject?timeout=10s"));
        post.Attributes.Add(Int("http.status_code", 200));
        post.Attributes.Add(Str("net.peer.name", "istiod.istio-system.svc"));
        post.Attributes.Add(Int("net.peer.port", 443));
        return duration + 5_000;
    }

    /// <summary>Mostly 200/201, with the errors a busy cluster shows: not found, conflicts, rare timeouts.</summary>
    private static int StatusCode(ClusterVocabulary v, Call call)
    {
        if (v.Chance(0.005)) return 504;
        if (call.Named && !call.Write && v.Chance(0.03)) return 404;
        if (call.Write && v.Chance(0.03)) return 409;
        return call.Verb == "create" ? 201 : 200;
    }
}
