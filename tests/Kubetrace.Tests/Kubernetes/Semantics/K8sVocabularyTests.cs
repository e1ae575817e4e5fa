using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Tests.Kubernetes.Semantics;

/// <summary>
/// One vocabulary over the forms Kubernetes components really emit (docs/catalog.md):
/// every variant of a thing resolves to the same normalised key.
/// </summary>
public sealed class K8sVocabularyTests
{
    private readonly struct Attributes(params (string Key, string Value)[] pairs) : IRawAttributes
    {
        public string? Get(string rawKey)
        {
            foreach (var (key, value) in pairs)
                if (key == rawKey) return value;
            return null;
        }
    }

    private static string? Resolve(string key, params (string, string)[] raw) => K8sVocabulary.Resolve(key, new Attributes(raw));

    [Fact]
    public void Apiserver_handler_attributes_give_namespace_name_resource_and_verb()
    {
        (string, string)[] handler = [("namespace", "kube-system"), ("name", "coredns-1"), ("resource", "pods"), ("verb", "get")];
        Assert.Equal("kube-system", Resolve(K8sKeys.Namespace, handler));
        Assert.Equal("coredns-1", Resolve(K8sKeys.ObjectName, handler));
        Assert.Equal("pods", Resolve(K8sKeys.Resource, handler));
        Assert.Equal("get", Resolve(K8sKeys.Verb, handler));
    }

    [Fact]
    public void Kubelet_k8s_pod_splits_into_namespace_and_name()
    {
        Assert.Equal("default", Resolve(K8sKeys.Namespace, ("k8s.pod", "default/web-7d9f")));
        Assert.Equal("web-7d9f", Resolve(K8sKeys.ObjectName, ("k8s.pod", "default/web-7d9f")));
        Assert.Equal("web-7d9f", Resolve(K8sKeys.PodName, ("k8s.pod", "default/web-7d9f")));
        // The explicit semantic-convention keys win over the combined form.
        Assert.Equal("prod", Resolve(K8sKeys.Namespace, ("k8s.namespace.name", "prod"), ("k8s.pod", "default/web")));
    }

    [Theory]
    [InlineData("http.method", "http.status_code", "GET", "200")] // semconv before Kubernetes 1.35
    [InlineData("http.request.method", "http.response.status_code", "GET", "200")] // from 1.35
    public void Old_and_new_http_conventions_resolve_alike(string methodKey, string statusKey, string method, string status)
    {
        Assert.Equal(method, Resolve(K8sKeys.HttpMethod, (methodKey, method)));
        Assert.Equal(status, Resolve(K8sKeys.HttpStatusCode, (statusKey, status)));
    }

    [Fact]
    public void Url_path_drops_the_query_from_http_target()
    {
        Assert.Equal("/api/v1/namespaces/default/pods", Resolve(K8sKeys.UrlPath, ("http.target", "/api/v1/namespaces/default/pods?limit=500")));
        Assert.Equal("/api/v1/pods", Resolve(K8sKeys.UrlPath, ("url.path", "/api/v1/pods")));
    }

    [Fact]
    public void Rpc_method_is_fully_qualified_in_every_version()
    {
        // Up to Kubernetes 1.35: rpc.service + short rpc.method, numeric status.
        Assert.Equal("etcdserverpb.KV/Range", Resolve(K8sKeys.RpcMethod, ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Range")));
        Assert.Equal("DEADLINE_EXCEEDED", Resolve(K8sKeys.RpcStatus, ("rpc.grpc.status_code", "4")));
        Assert.Equal("grpc", Resolve(K8sKeys.RpcSystem, ("rpc.system", "grpc")));
        // From 1.36: qualified rpc.method, status by name, rpc.system.name.
        Assert.Equal("etcdserverpb.KV/Range", Resolve(K8sKeys.RpcMethod, ("rpc.method", "etcdserverpb.KV/Range")));
        Assert.Equal("OK", Resolve(K8sKeys.RpcStatus, ("rpc.response.status_code", "OK")));
        Assert.Equal("grpc", Resolve(K8sKeys.RpcSystem, ("rpc.system.name", "grpc")));
    }

    [Fact]
    public void Missing_sources_give_null_and_unknown_keys_read_themselves()
    {
        Assert.Null(Resolve(K8sKeys.Verb, ("resource", "pods")));
        Assert.Equal("x", Resolve("custom.key", ("custom.key", "x")));
        Assert.Equal(["rpc.method", "rpc.service"], K8sVocabulary.SourcesOf(K8sKeys.RpcMethod));
    }
}
