using Kubetrace.Kubernetes.Analyses;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// Reading a request's resource and verb from what the apiserver records: the route-style span name of 1.31+
/// (templated), the old <c>KubernetesAPI</c> span's <c>http.target</c> (query included), <c>url.path</c>, or the
/// handler's full <c>url</c>.
/// </summary>
public sealed class ApiserverRouteTests
{
    [Theory]
    [InlineData("/api/v1/namespaces/default/pods/web-0", "pods", null, true)]
    [InlineData("/api/v1/namespaces/default/pods/web-0/status", "pods", "status", true)]
    [InlineData("/api/v1/namespaces/default/pods", "pods", null, false)]
    [InlineData("/api/v1/namespaces/{:namespace}/pods/{:name}", "pods", null, true)] // 1.31+ route, templated
    [InlineData("/api/v1/namespaces/{:namespace}/pods/{:name}/binding", "pods", "binding", true)]
    [InlineData("/apis/apps/v1/namespaces/kube-system/deployments/coredns/scale", "deployments", "scale", true)]
    [InlineData("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases", "leases", null, false)]
    [InlineData("/api/v1/nodes/worker-1/status", "nodes", "status", true)] // cluster-scoped
    [InlineData("/api/v1/nodes", "nodes", null, false)]
    [InlineData("/apis/rbac.authorization.k8s.io/v1/clusterroles/admin", "clusterroles", null, true)]
    [InlineData("/api/v1/namespaces/default", "namespaces", null, true)] // the namespace object itself
    [InlineData("/api/v1/namespaces", "namespaces", null, false)]
    [InlineData("/api/v1/namespaces/default/pods/", "pods", null, false)] // trailing slash
    [InlineData("//api//v1//namespaces//default//pods//web-0", "pods", null, true)] // empty segments
    [InlineData("/api/v1/namespaces/default/pods?watch=true&resourceVersion=12", "pods", null, false)]
    [InlineData("/api/v1/namespaces/default/pods/web-0/status/extra/segments/beyond", "pods", "status", true)]
    [InlineData("https://10.96.0.1:443/api/v1/namespaces/default/pods/web-0?timeout=10s", "pods", null, true)] // the handler's url
    public void Resource_subresource_and_whether_one_object_is_named(string path, string resource, string? subresource, bool named) =>
        Assert.Equal((resource, subresource, named), ApiserverRoute.Parse(path));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("/healthz")]
    [InlineData("/metrics?format=text")]
    [InlineData("/api")]
    [InlineData("/api/v1")]
    [InlineData("/apis/apps/v1")]
    [InlineData("/openapi/v2")]
    [InlineData("https://10.96.0.1:443")]
    public void Non_resource_paths_have_no_resource(string path) =>
        Assert.Equal((null, null, false), ApiserverRoute.Parse(path));

    [Fact]
    public void Parsed_names_are_pooled_so_every_request_of_a_resource_shares_one_string()
    {
        var first = ApiserverRoute.Parse("/api/v1/namespaces/a/configmaps/x/status");
        var second = ApiserverRoute.Parse("/api/v1/namespaces/b/configmaps/y/status");

        Assert.Same(first.Resource, second.Resource);
        Assert.Same(first.Subresource, second.Subresource);
    }

    [Theory]
    [InlineData("GET /api/v1/namespaces/{:namespace}/pods/{:name}", "/api/v1/namespaces/{:namespace}/pods/{:name}", "GET")]
    [InlineData("PATCH /apis/apps/v1/namespaces/{:namespace}/deployments/{:name}/status", "/apis/apps/v1/namespaces/{:namespace}/deployments/{:name}/status", "PATCH")]
    [InlineData("GET", "", "GET")] // a non-resource request is named by its method alone
    [InlineData("KubernetesAPI", "", null)] // before 1.31
    [InlineData("GET  /double-space", "", "GET")]
    [InlineData("Get etcd3", "", null)]
    public void A_route_style_span_name_gives_method_and_route(string spanName, string route, string? method)
    {
        Assert.Equal(route, ApiserverRoute.PathOfSpanName(spanName).ToString());
        Assert.Equal(method, ApiserverRoute.MethodOfSpanName(spanName));
    }

    [Theory]
    [InlineData("GET", true, "/api/v1/namespaces/default/pods/web-0", "get")]
    [InlineData("GET", false, "/api/v1/namespaces/default/pods", "list")]
    [InlineData("get", false, "/api/v1/namespaces/default/pods?watch=true", "watch")] // old http.target keeps the query
    [InlineData("HEAD", true, "", "get")]
    [InlineData("LIST", false, "", "list")]
    [InlineData("WatchList", false, "", "watch")]
    [InlineData("POST", false, "", "create")]
    [InlineData("create", false, "", "create")]
    [InlineData("PUT", true, "", "update")]
    [InlineData("Patch", true, "", "patch")]
    [InlineData("DELETE", true, "", "delete")]
    [InlineData("DELETE", false, "", "deletecollection")]
    [InlineData("DELETECOLLECTION", false, "", "deletecollection")]
    [InlineData("CONNECT", true, "", "connect")]
    [InlineData("Bind", true, "", "bind")] // a verb of its own passes through, lower case
    [InlineData("escalate", true, "", "escalate")]
    public void The_verb_comes_from_the_verb_attribute_or_method_whatever_its_case(string verbOrMethod, bool named, string path, string verb) =>
        Assert.Equal(verb, ApiserverRoute.VerbOf(verbOrMethod, named, path));

    [Theory]
    [InlineData("/v1, Resource=pods", "pods")]
    [InlineData("apps/v1, Resource=deployments", "deployments")]
    [InlineData("configmaps", "configmaps")]
    public void A_webhook_span_names_its_resource_as_a_group_version_resource(string resource, string name) =>
        Assert.Equal(name, ApiserverRoute.ResourceName(resource));
}
