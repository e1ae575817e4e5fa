using Kubetrace.Kubernetes.Analyses;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The resource part of an etcd key (<c>/registry/&lt;resource&gt;</c>), from the storage span's key and resource.</summary>
public sealed class EtcdKeyPrefixTests
{
    [Theory]
    [InlineData("/registry/pods/default/web-0", "pods", "/registry/pods")]
    [InlineData("/registry/pods/default/web-0", null, "/registry/pods")]
    [InlineData("/registry/pods/", "pods", "/registry/pods")] // a List's key ends with a slash
    [InlineData("/registry/pods", "", "/registry/pods")]
    [InlineData("/registry/minions/worker-1", "nodes", "/registry/minions")] // the resource is not in the key: first two segments
    [InlineData("/registry/clusterroles/admin", "clusterroles", "/registry/clusterroles")] // cluster-scoped
    [InlineData("/registry/example.com/widgets/ns/w", "widgets", "/registry/example.com/widgets")] // a custom resource's group
    [InlineData("/registry/apiregistration.k8s.io/apiservices/v1.apps", "apiservices", "/registry/apiregistration.k8s.io/apiservices")]
    [InlineData("//registry//pods//default//web-0", "pods", "/registry/pods")] // empty segments dropped
    [InlineData("registry/pods/default/web-0", "pods", "/registry/pods")] // no leading slash
    [InlineData("/registry", null, "/registry")]
    [InlineData("/", null, "/")]
    [InlineData("compact_rev_key", null, "/compact_rev_key")] // etcd's own keys
    public void The_prefix_runs_up_to_the_resource(string key, string? resource, string prefix) =>
        Assert.Equal(prefix, EtcdKeyPrefix.Of(key, resource));

    [Theory]
    [InlineData(null, "configmaps", "/registry/configmaps")]
    [InlineData("", "leases", "/registry/leases")]
    [InlineData(null, null, EtcdKeyPrefix.Unknown)]
    [InlineData("", "", EtcdKeyPrefix.Unknown)]
    public void Without_a_key_the_resource_names_the_prefix(string? key, string? resource, string prefix) =>
        Assert.Equal(prefix, EtcdKeyPrefix.Of(key, resource));

    [Fact]
    public void A_prefix_longer_than_the_stack_buffer_is_built_all_the_same()
    {
        var group = new string('g', 300);

        Assert.Equal($"/registry/{group}/things", EtcdKeyPrefix.Of($"/registry/{group}/things/ns/x", "things"));
    }

    [Fact]
    public void Prefixes_are_pooled_so_every_call_on_a_resource_shares_one_string() =>
        Assert.Same(EtcdKeyPrefix.Of("/registry/secrets/a/x", "secrets"), EtcdKeyPrefix.Of("/registry/secrets/b/y", "secrets"));
}
