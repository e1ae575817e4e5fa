using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The HTTP and RPC attributes otelhttp and otelgrpc record at a Kubernetes version: old conventions
/// (<c>http.method</c>, <c>rpc.service</c>) before the switch, the new ones after it (the catalog: <see cref="Catalog.KubeletCatalog"/>, <see cref="Catalog.ContainerdCatalog"/>).
/// </summary>
internal sealed class SemanticConventions(KubernetesVersion version, AttributeCache cache)
{
    private static readonly KeyValue OldRpcSystem = Str("rpc.system", "grpc");
    private static readonly KeyValue NewRpcSystem = Str("rpc.system.name", "grpc");
    private static readonly KeyValue OldRpcOk = Int("rpc.grpc.status_code", 0);
    private static readonly KeyValue NewRpcOk = Str("rpc.response.status_code", "OK");

    /// <summary>The apiserver's otelhttp server span.</summary>
    public void HttpServer(OpenSpan span, string method, string path, string target, int status, string userAgent, string auditId)
    {
        if (span.Proto is not { } proto) return;
        var a = proto.Attributes;
        if (version.StableHttpConventions)
        {
            a.Add(cache.Str("http.request.method", method));
            a.Add(Int("http.response.status_code", status));
            a.Add(Str("url.path", path));
            a.Add(cache.Str("server.address", "kubernetes.default.svc"));
        }
        else
        {
            a.Add(cache.Str("http.method", method));
            a.Add(Int("http.status_code", status));
            a.Add(cache.Str("net.host.name", "kubernetes.default.svc"));
            if (version.ServerSpanHttpTarget) a.Add(Str("http.target", target));
        }
        a.Add(cache.Str("user_agent.original", userAgent));
        if (version.ServerSpanAuditId) a.Add(Str("audit-id", auditId));
    }

    /// <summary>An otelhttp client span (<c>HTTP GET</c>): a kubelet's or a client's call, a webhook call.</summary>
    public void HttpClient(OpenSpan span, string method, int status)
    {
        if (span.Proto is not { } proto) return;
        proto.Attributes.Add(cache.Str(version.StableHttpConventions ? "http.request.method" : "http.method", method));
        proto.Attributes.Add(Int(version.StableHttpConventions ? "http.response.status_code" : "http.status_code", status));
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
