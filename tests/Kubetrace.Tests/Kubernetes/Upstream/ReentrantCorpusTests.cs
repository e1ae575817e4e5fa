using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;

namespace Kubetrace.Tests.Kubernetes.Upstream;

/// <summary>
/// The apiserver analysis on upstream-shaped re-entrant and aggregated requests (TestData/Upstream/reentrant/1.34,
/// its README gives the planted truth): the aggregator's proxy charged to its own share with all under it, once;
/// the aggregated group and the proxy's backend address named; a followed extension request a row of its own; a
/// loopback request a request of its own, its client span above it.
/// </summary>
public sealed class ReentrantCorpusTests
{
    private static ApiserverLatencyReport Analyse(string file)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces([UpstreamCorpus.Request("reentrant", "1.34", file)], analysis.ScanRequest)) analysis.Add(trace);
        return analysis.Report();
    }

    [Fact]
    public void A_proxied_list_is_named_by_group_and_backend_and_its_time_is_the_proxys()
    {
        var report = Analyse("aggregated-list");

        var proxied = Assert.Single(report.Groups, g => g.Resource == "pods.metrics.k8s.io via 10.96.112.40:443");
        Assert.Equal(("list", 412.0), (proxied.Verb, proxied.P50Ms));
        Assert.Equal(0.995, proxied.Shares.AggregatedApi, 3);
        Assert.Equal(0, proxied.Shares.Etcd + proxied.Shares.Serialization + proxied.Shares.Webhooks);
        // metrics-server's own request started a trace of its own (jane is not in system:masters): named by its group, linked to the proxy.
        var extension = Assert.Single(report.Groups, g => g.Resource == "pods.metrics.k8s.io");
        Assert.Equal(("list", 409.0, 0.0), (extension.Verb, extension.P50Ms, extension.Shares.AggregatedApi));
    }

    [Fact]
    public void A_followed_extension_request_is_reachable_from_its_parent_and_counted_once()
    {
        var report = Analyse("aggregated-get-admin");

        var parent = Assert.Single(report.Groups, g => g.Resource == "pods.metrics.k8s.io via 10.96.112.40:443");
        Assert.Equal(("get", 105.0), (parent.Verb, parent.P50Ms));
        Assert.Equal(0.952, parent.Shares.AggregatedApi, 3);
        Assert.Equal(1.0, parent.Shares.AggregatedApi + parent.Shares.Rest + (parent.Shares.Authorization ?? 0) + (parent.Shares.PriorityAndFairness ?? 0)
            + (parent.Shares.OtherFilters ?? 0), 3);
        var extension = Assert.Single(report.Groups, g => g.Resource == "pods.metrics.k8s.io (extension)");
        Assert.Equal(("get", 99.0, 0.0), (extension.Verb, extension.P50Ms, extension.Shares.AggregatedApi));

        var table = ApiserverLatencyAnalysis.Table(report);
        Assert.Equal("Proxied", table.Columns[^1]);
        Assert.Equal("95%", Assert.Single(table.Rows, r => r[1] == parent.Resource)[^1]);
    }

    [Fact]
    public void A_loopback_request_is_a_request_of_its_own_under_its_client_span()
    {
        var report = Analyse("loopback-quota-update");

        var update = Assert.Single(report.Groups);
        Assert.Equal(("update", "resourcequotas/status", 3.0), (update.Verb, update.Resource, update.P50Ms));
        Assert.Equal(0, update.Shares.AggregatedApi + update.Shares.NestedRequests);
        Assert.DoesNotContain("Proxied", ApiserverLatencyAnalysis.Table(report).Columns);
    }
}
