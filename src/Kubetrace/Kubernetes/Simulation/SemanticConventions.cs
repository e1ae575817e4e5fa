using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The HTTP and RPC attributes otelhttp and otelgrpc record at a Kubernetes version (docs/catalog.md cites the
/// otelhttp and otelgrpc each release pins): old conventions (<c>http.method</c>, <c>rpc.service</c>) before the
/// switch, the new ones after it.
/// </summary>
internal sealed class SemanticConventions(KubernetesVersion version, AttributeCache cache)
{
    private static readonly KeyValue OldRpcSystem = Str("rpc.system", "grpc");
    private static readonly KeyValue NewRpcSystem = Str("rpc.system.name", "grpc");
    private static readonly KeyValue OldRpcOk = Int("rpc.grpc.status_code", 0);
    private static readonly KeyValue NewRpcOk = Str("rpc.response.status_code", "OK");
    private const string Host = "kubernetes.default.svc";

    /// <summary>The apiserver's URL as its callers address it (the Host their server spans record, on port 443).</summary>
    public const string ApiserverUrl = "https://" + Host + ":443";

    /// <summary>The apiserver's host name as its callers address it.</summary>
    public const string ApiserverHost = Host;

    /// <summary>
    /// The apiserver's otelhttp server span: the attributes otelhttp sets when the span starts, Kubernetes'
    /// <c>http.target</c> (the request URI, query included) and <c>audit-id</c>, and, unless 1.33's audit filter
    /// already ended the span (<paramref name="status"/> null), the status and body sizes otelhttp sets at the end
    /// (each size only when above 0, as otelhttp's setAfterServeAttributes writes them).
    /// </summary>
    public void HttpServer(OpenSpan span, ApiCall call, string auditId, int? status, HttpBodies bodies)
    {
        if (span.Proto is not { } proto) return;
        var a = proto.Attributes;
        var caller = call.Caller;
        switch (version.ServerConventions)
        {
            case HttpServerConventions.Semconv112:
                a.Add(cache.Str("net.transport", "ip_tcp"));
                a.Add(cache.Str("net.peer.ip", caller.ClientIp));
                a.Add(Int("net.peer.port", caller.ClientPort));
                a.Add(cache.Str("net.host.name", Host));
                a.Add(Int("net.host.port", 443)); // otelhttp 0.35 records the Host header's port, default or not
                a.Add(Str(ApiserverKeys.HttpTarget, call.Url));
                a.Add(cache.Str("http.server_name", ApiserverSpans.LegacyServerSpan));
                a.Add(cache.Str("http.user_agent", caller.UserAgent));
                if (bodies.Read > 0) a.Add(Int("http.request_content_length", bodies.Read)); // the Content-Length header, at start
                a.Add(cache.Str("http.scheme", "https"));
                a.Add(cache.Str("http.host", Host + ":443"));
                a.Add(cache.Str("http.flavor", "2"));
                a.Add(cache.Str("http.method", call.Verb.Method));
                if (status is { } s112) AfterServe(a, "http.read_bytes", "http.wrote_bytes", bodies, "http.status_code", s112);
                break;
            case HttpServerConventions.Semconv117:
                a.Add(cache.Str("http.method", call.Verb.Method));
                a.Add(cache.Str("http.scheme", "https"));
                a.Add(cache.Str("http.flavor", "2.0"));
                a.Add(cache.Str("net.host.name", Host));
                a.Add(cache.Str("net.sock.peer.addr", caller.ClientIp));
                a.Add(Int("net.sock.peer.port", caller.ClientPort));
                a.Add(cache.Str("http.user_agent", caller.UserAgent));
                a.Add(Str(ApiserverKeys.HttpTarget, call.Url));
                if (status is { } s117) AfterServe(a, "http.read_bytes", "http.wrote_bytes", bodies, "http.status_code", s117);
                break;
            case HttpServerConventions.Semconv120:
                a.Add(cache.Str("http.method", call.Verb.Method));
                a.Add(cache.Str("http.scheme", "https"));
                a.Add(cache.Str("net.host.name", Host));
                a.Add(cache.Str("net.sock.peer.addr", caller.ClientIp));
                a.Add(Int("net.sock.peer.port", caller.ClientPort));
                a.Add(cache.Str("user_agent.original", caller.UserAgent));
                a.Add(Str(ApiserverKeys.HttpTarget, call.Url));
                a.Add(cache.Str("net.protocol.version", "2"));
                if (version.ServerSpanAuditId) a.Add(Str(ApiserverKeys.AuditId, auditId));
                if (status is { } s120) AfterServe(a, "http.request_content_length", "http.response_content_length", bodies, "http.status_code", s120);
                break;
            default:
                a.Add(cache.Str("server.address", Host));
                a.Add(cache.Str("http.request.method", call.Verb.Method));
                a.Add(cache.Str("url.scheme", "https"));
                a.Add(cache.Str("network.peer.address", caller.ClientIp));
                a.Add(Int("network.peer.port", caller.ClientPort));
                a.Add(cache.Str("user_agent.original", caller.UserAgent));
                a.Add(cache.Str("client.address", caller.ClientIp));
                a.Add(Str("url.path", call.Path));
                a.Add(cache.Str("network.protocol.version", "2"));
                a.Add(Str(ApiserverKeys.HttpTarget, call.Url));
                a.Add(Str(ApiserverKeys.AuditId, auditId));
                if (status is { } stable) AfterServe(a, "http.request.body.size", "http.response.body.size", bodies, "http.response.status_code", stable);
                break;
        }
    }

    /// <summary>What otelhttp records when the handler returns: the bytes read and written (each only when above 0), then the status.</summary>
    private static void AfterServe(Google.Protobuf.Collections.RepeatedField<KeyValue> a, string readKey, string wroteKey, HttpBodies bodies, string statusKey, int status)
    {
        if (bodies.Read > 0) a.Add(Int(readKey, bodies.Read));
        if (bodies.Written > 0) a.Add(Int(wroteKey, bodies.Written));
        a.Add(Int(statusKey, status));
    }

    /// <summary>The otelhttp client span of an admission webhook call (<c>HTTP POST</c>); <paramref name="status"/> 0 when no response came.</summary>
    public void WebhookPost(OpenSpan span, string url, string host, int status) => HttpClient(span, "POST", url, host, 443, status);

    /// <summary>
    /// An otelhttp client span: a client-go transport wrapped by component-base's <c>tracing.WrapperFor</c>
    /// (k8s.io/component-base tracing/utils.go:109–118 at v0.27.0, :119–128 at v0.31.0 and v0.34.0) — the kubelet's
    /// and traced callers' requests to the apiserver, and the apiserver's own webhooks, loopback client and
    /// aggregator proxy — with the request attributes of the otelhttp its release pins, in otelhttp's order;
    /// <paramref name="status"/> 0 when no response came. client-go wraps the transport innermost
    /// (client-go transport/round_trippers.go:40–41 at v0.27.0, :42–43 at v0.34.0), inside the user-agent round
    /// tripper (:59–60, :61–62), so otelhttp sees the User-Agent header (<paramref name="userAgent"/>, null when the
    /// caller sets none here) and a body's Content-Length (<paramref name="requestBytes"/>, 0 for none). The port is
    /// recorded where it is not the scheme's default. The response's Content-Length is not simulated.
    /// </summary>
    public void HttpClient(OpenSpan span, string method, string url, string host, int port, int status, string? userAgent = null, int requestBytes = 0)
    {
        if (span.Proto is not { } proto) return;
        var a = proto.Attributes;
        var otherPort = port != 443;
        switch (version.ServerConventions)
        {
            case HttpServerConventions.Semconv112:
                // otelhttp 0.35.1 transport.go:113, otel v1.10.0 semconv/internal/http.go:147–208: the URL without
                // user info, user agent and body length when present, then the scheme from request.TLS, which a
                // client's request never has (http), the Host, the protocol of http.NewRequest (1.1) and the method.
                a.Add(cache.Str("http.url", url));
                if (userAgent is not null) a.Add(cache.Str("http.user_agent", userAgent));
                if (requestBytes > 0) a.Add(Int("http.request_content_length", requestBytes));
                a.Add(cache.Str("http.scheme", "http"));
                a.Add(cache.Str("http.host", host + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                a.Add(cache.Str("http.flavor", "1.1"));
                a.Add(cache.Str("http.method", method));
                if (status > 0) a.Add(Int("http.status_code", status));
                break;
            case HttpServerConventions.Semconv117:
            case HttpServerConventions.Semconv120:
                // otelhttp 0.44–0.58 semconvutil ClientRequest (httpconv.go:185–253 at v0.53.0 and v0.58.0; 0.44 adds http.flavor).
                a.Add(cache.Str("http.method", method));
                if (version.ServerConventions == HttpServerConventions.Semconv117) a.Add(cache.Str("http.flavor", "1.1"));
                a.Add(cache.Str("http.url", url));
                a.Add(cache.Str("net.peer.name", host));
                if (otherPort) a.Add(Int("net.peer.port", port));
                if (userAgent is not null) a.Add(cache.Str(version.ServerConventions == HttpServerConventions.Semconv117 ? "http.user_agent" : "user_agent.original", userAgent));
                if (requestBytes > 0) a.Add(Int("http.request_content_length", requestBytes));
                if (status > 0) a.Add(Int("http.status_code", status));
                break;
            default:
                a.Add(cache.Str("http.request.method", method));
                a.Add(cache.Str("url.full", url));
                a.Add(cache.Str("server.address", host));
                if (otherPort) a.Add(Int("server.port", port));
                a.Add(cache.Str("network.protocol.version", "1.1"));
                if (status > 0) a.Add(Int("http.response.status_code", status));
                if (status >= 400) a.Add(cache.Str("error.type", status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                break;
        }
    }

    /// <summary>The kubelet's go-restful (otelrestful) server span, named after the route it matched and recording it.</summary>
    public void HttpRouteServer(OpenSpan span, string method, string route, int status, string userAgent)
    {
        if (span.Proto is not { } proto) return;
        var a = proto.Attributes;
        a.Add(cache.Str(version.StableHttpConventions ? "http.request.method" : "http.method", method));
        a.Add(cache.Str("http.route", route));
        a.Add(Int(version.StableHttpConventions ? "http.response.status_code" : "http.status_code", status));
        a.Add(cache.Str("user_agent.original", userAgent));
    }

    /// <summary>An otelgrpc client span of a Kubernetes component (the apiserver's etcd calls, the kubelet's CRI calls).</summary>
    public void RpcClient(OpenSpan span, GrpcMethod method)
    {
        if (span.Proto is not { } proto) return;
        var a = proto.Attributes;
        if (version.NewRpcConventions)
        {
            a.Add(NewRpcSystem);
            a.Add(method.FullMethod);
            a.Add(NewRpcOk);
        }
        else
        {
            a.Add(OldRpcSystem);
            a.Add(method.Service);
            a.Add(method.Method);
            a.Add(OldRpcOk);
        }
    }

    /// <summary>
    /// An otelgrpc server span of etcd or containerd, whose otelgrpc is not Kubernetes': the old conventions, or the
    /// new ones where that component's otelgrpc has them (<paramref name="newConventions"/>: containerd 2.3's v0.68).
    /// </summary>
    public static void RpcServer(OpenSpan span, GrpcMethod method, bool newConventions = false)
    {
        if (span.Proto is not { } proto) return;
        if (newConventions)
        {
            proto.Attributes.Add(NewRpcSystem);
            proto.Attributes.Add(method.FullMethod);
            proto.Attributes.Add(NewRpcOk);
            return;
        }
        proto.Attributes.Add(OldRpcSystem);
        proto.Attributes.Add(method.Service);
        proto.Attributes.Add(method.Method);
        proto.Attributes.Add(OldRpcOk);
    }

    /// <summary>
    /// otelgrpc's <c>message</c> event on a Kubernetes client span (the kubelet asks for them): <c>message.*</c> keys
    /// with the uncompressed size, the compressed size too from the stats handler (1.34), <c>rpc.message.*</c> from 1.36.
    /// </summary>
    public void RpcMessage(OpenSpan span, string type, long time, long size)
    {
        if (span.Proto is not { } proto) return;
        var prefix = version.NewRpcConventions ? "rpc.message." : "message.";
        var message = new Span.Types.Event { Name = "message", TimeUnixNano = (ulong)time };
        message.Attributes.Add(cache.Str(prefix + "type", type));
        message.Attributes.Add(Int(prefix + "id", 1));
        if (version >= new KubernetesVersion(1, 34)) message.Attributes.Add(Int(prefix + "compressed_size", size));
        message.Attributes.Add(Int(prefix + "uncompressed_size", size));
        proto.Events.Add(message);
    }
}

/// <summary>A gRPC method as the span name and the rpc attributes spell it, encoded once.</summary>
internal sealed class GrpcMethod
{
    public static readonly GrpcMethod EtcdRange = new("etcdserverpb.KV", "Range");
    public static readonly GrpcMethod EtcdTxn = new("etcdserverpb.KV", "Txn");
    public static readonly GrpcMethod EtcdCompact = new("etcdserverpb.KV", "Compact");
    public static readonly GrpcMethod EtcdWatch = new("etcdserverpb.Watch", "Watch");
    public static readonly GrpcMethod EtcdLeaseGrant = new("etcdserverpb.Lease", "LeaseGrant");
    public static readonly GrpcMethod StopContainer = new("runtime.v1.RuntimeService", "StopContainer");
    public static readonly GrpcMethod RemoveContainer = new("runtime.v1.RuntimeService", "RemoveContainer");
    public static readonly GrpcMethod StopPodSandbox = new("runtime.v1.RuntimeService", "StopPodSandbox");
    public static readonly GrpcMethod ImageStatus = new("runtime.v1.ImageService", "ImageStatus");
    public static readonly GrpcMethod RunPodSandbox = new("runtime.v1.RuntimeService", "RunPodSandbox");
    public static readonly GrpcMethod CreateContainer = new("runtime.v1.RuntimeService", "CreateContainer");
    public static readonly GrpcMethod StartContainer = new("runtime.v1.RuntimeService", "StartContainer");
    public static readonly GrpcMethod PullImage = new("runtime.v1.ImageService", "PullImage");

    private GrpcMethod(string service, string method)
    {
        SpanName = $"{service}/{method}";
        Service = Str("rpc.service", service);
        Method = Str("rpc.method", method);
        FullMethod = Str("rpc.method", SpanName);
    }

    /// <summary>The span name: the method without the leading slash (<c>etcdserverpb.KV/Range</c>).</summary>
    public string SpanName { get; }

    public KeyValue Service { get; }

    public KeyValue Method { get; }

    public KeyValue FullMethod { get; }
}
