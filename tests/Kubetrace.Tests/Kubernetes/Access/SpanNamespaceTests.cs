using Kubetrace.Kubernetes.Access;
using Kubetrace.Kubernetes.Semantics;

namespace Kubetrace.Tests.Kubernetes.Access;

/// <summary>Which namespace a span belongs to: its attributes, the apiserver's URL, a storage key, else its parent's.</summary>
public sealed class SpanNamespaceTests
{
    [Theory]
    [InlineData("namespace", "shop", "shop")]
    [InlineData("namespace", "", "")] // the handler of a cluster-scoped request
    [InlineData("namespace", "unknown", null)] // no RequestInfo (helpers.go:158-168 at v0.34.0)
    [InlineData("k8s.namespace.name", "team-a", "team-a")]
    [InlineData("k8s.pod", "shop/web-0", "shop")]
    [InlineData("http.target", "/api/v1/namespaces/shop/pods/web-0/status?timeout=5s", "shop")]
    [InlineData("url", "https://10.0.0.1:6443/apis/apps/v1/namespaces/shop/deployments", "shop")]
    [InlineData("http.target", "/api/v1/namespaces/shop", "shop")] // the namespace object itself (requestinfo.go:194-206 at v0.34.0)
    [InlineData("http.target", "/api/v1/nodes/worker-1", "")]
    [InlineData("http.target", "/api/v1/pods?watch=true", "")] // every namespace at once
    [InlineData("http.target", "/healthz", null)]
    [InlineData("key", "/registry/pods/shop/web-0", "shop")]
    [InlineData("key", "/pods/shop/web-0", "shop")] // the storage layer's key, before the prefix
    [InlineData("key", "/registry/example.com/widgets/shop/w", "shop")]
    [InlineData("key", "/registry/services/specs/shop/api", "shop")]
    [InlineData("key", "/registry/pods/shop/", "shop")] // a namespace's list
    [InlineData("key", "/registry/pods/", "")]
    [InlineData("key", "/registry/namespaces/shop", "shop")]
    [InlineData("key", "/registry/minions/worker-1", null)] // one segment: a node, or a namespace's list; the parent decides
    [InlineData("range_begin", "/registry/configmaps/shop/settings", "shop")]
    public void A_span_names_its_namespace_by_attribute_url_or_key(string key, string value, string? expected)
    {
        Assert.Equal(expected, SpanNamespace.Of(new Attributes(new() { [key] = value })));
    }

    [Fact]
    public void A_namespace_attribute_wins_over_the_url_it_calls()
    {
        // A team-a workload's client call that creates a pod in team-b is team-a's span.
        var raw = new Attributes(new() { ["k8s.namespace.name"] = "team-a", ["url"] = "/api/v1/namespaces/team-b/pods" });

        Assert.Equal("team-a", SpanNamespace.Of(raw));
    }

    [Fact]
    public void A_span_without_evidence_takes_its_nearest_ancestors_namespace_and_a_root_without_any_is_cluster_scoped()
    {
        var trace = new TraceNamespaces();
        trace.Add(1, 0, "shop");          // the apiserver's handler
        trace.Add(3, 2, null);            // etcd's server span, whose parent (the client call) comes later
        trace.Add(2, 1, null);            // the etcd client call
        trace.Add(4, 1, "");              // a cluster-scoped sub-request
        trace.Add(5, 4, null);
        trace.Add(6, 0, null);            // a root that says nothing
        trace.Add(7, 99, null);           // a parent not stored
        trace.Add(8, 9, null);            // a cycle in bad data
        trace.Add(9, 8, null);
        trace.Decide();

        Assert.Equal(["shop", "shop", "shop", "", "", "", "", "", ""], Enumerable.Range(0, 9).Select(trace.NamespaceOf));
    }

    private readonly struct Attributes(Dictionary<string, string> values) : IRawAttributes
    {
        public string? Get(string rawKey) => values.GetValueOrDefault(rawKey);
    }
}
