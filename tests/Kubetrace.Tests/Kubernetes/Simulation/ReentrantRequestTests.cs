using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Upstream;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>
/// Requests the apiserver sends itself or through itself, per release as docs/catalog.md cites them: the
/// aggregation layer's proxy to metrics-server (a span from 1.31, the extension server's request as its child from
/// 1.33 for system:masters callers) and ResourceQuota admission's loopback UpdateStatus (a root client span; its
/// served request a child from 1.33, linked before); and the apiserver analysis on them with the planted
/// slow-extension-apiserver scenario.
/// </summary>
public sealed class ReentrantRequestTests
{
    private static SimulatedSpans Run(string version) => SimulatedReleases.Of(version, SimulationScenario.SlowExtensionApiserver, seconds: 10);

    private static ApiserverLatencyReport Analyse(SimulatedSpans run)
    {
        var analysis = new ApiserverLatencyAnalysis(TimeRange.All);
        foreach (var trace in UpstreamCorpus.Traces(run.Batches.Select(b => b.Request), analysis.ScanRequest)) analysis.Add(trace);
        return analysis.Report();
    }

    private static List<EmittedSpan> ApiserverClients(SimulatedSpans run) =>
        run.Of("apiserver").Where(s => s.Kind == SpanKind.Client && s.Name != "HTTP POST").ToList();

    [Theory]
    [InlineData("1.30", false)]
    [InlineData("1.31", true)]
    [InlineData("1.36", true)]
    public void The_aggregators_proxy_is_a_client_span_from_1_31(string version, bool traced)
    {
        var run = Run(version);
        var proxies = ApiserverClients(run).Where(s => (s.Attr("http.url") ?? s.Attr("url.full") ?? "").Contains("10.96.112.40")).ToList();

        Assert.True(run.Report.AggregatedRequests > 0);
        Assert.Equal(traced ? run.Report.AggregatedRequests : 0, proxies.Count);
        Assert.All(proxies, p => Assert.StartsWith("https://10.96.112.40:443/apis/metrics.k8s.io/v1beta1/", p.Attr("http.url") ?? p.Attr("url.full")));
    }

    [Theory]
    [InlineData("1.32", false)]
    [InlineData("1.33", true)]
    public void The_extension_server_follows_an_admins_context_from_1_33_only(string version, bool followed)
    {
        var run = Run(version);
        var extensionServers = run.Of("apiserver").Where(s => s.Kind == SpanKind.Server && s.Name.Contains("metrics.k8s.io")
            && run.Parent(s) is { Kind: SpanKind.Client, Service: "apiserver" }).ToList();

        Assert.Equal(followed, extensionServers.Count > 0);
    }

    [Theory]
    [InlineData("1.32", false)]
    [InlineData("1.33", true)]
    [InlineData("1.36", true)]
    public void A_loopback_quota_write_is_a_trace_of_its_own_served_as_its_child_from_1_33(string version, bool child)
    {
        var run = Run(version);
        var loopback = ApiserverClients(run).Where(s => s.Name == "HTTP PUT").ToList();

        Assert.Equal(run.Report.LoopbackRequests, loopback.Count);
        Assert.All(loopback, s => Assert.True(s.Span.ParentSpanId.IsEmpty)); // context.TODO(): a root
        var servers = run.Of("apiserver").Where(s => s.Kind == SpanKind.Server && s.Name is "KubernetesAPI" or "PUT /api/v1/namespaces/{:namespace}/resourcequotas/{:name}/status").ToList();
        var children = servers.Count(s => loopback.Any(c => c.TraceId == s.TraceId && c.SpanId == s.ParentId));
        var linked = servers.Count(s => s.Span.Links.Any(l => loopback.Any(c => c.Span.SpanId == l.SpanId)));
        Assert.Equal(child ? loopback.Count : 0, children);
        Assert.Equal(child ? 0 : loopback.Count, linked);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.34")]
    [InlineData("1.36")]
    public void The_apiserver_analysis_names_the_aggregated_group_and_backend_and_charges_the_planted_delay_to_the_proxy(string version)
    {
        var run = Run(version);
        var planted = run.Report.SlowExtension!;
        var report = Analyse(run);

        var proxied = report.Groups.Where(g => g.Resource == $"pods.{planted.Group} via {planted.ServiceAddress}").ToList();
        Assert.Equal(planted.Requests, proxied.Sum(g => g.Count));
        Assert.All(proxied, g =>
        {
            Assert.InRange(g.P50Ms, planted.AddedLatency.TotalMilliseconds, planted.AddedLatency.TotalMilliseconds + 10);
            Assert.InRange(g.Shares.AggregatedApi, 0.95, 1.0); // the proxy and all under it, counted once
            Assert.Equal(0, g.Shares.Etcd);
        });
        var table = ApiserverLatencyAnalysis.Table(report);
        Assert.Equal("Proxied", table.Columns[^1]);
        Assert.All(table.Rows, row => Assert.Equal(table.Columns.Count, row.Count));
    }

    [Fact]
    public void A_followed_extension_request_is_a_row_of_its_own_and_not_counted_in_its_parents_other_phases()
    {
        var run = Run("1.34");
        var report = Analyse(run);
        var planted = run.Report.SlowExtension!;

        var extension = report.Groups.Where(g => g.Resource == $"pods.{planted.Group} (extension)").ToList();
        Assert.NotEmpty(extension); // the admin's kubectl top: followed from 1.33, so under the proxy's span
        Assert.All(extension, g => Assert.True(g.P50Ms >= planted.AddedLatency.TotalMilliseconds));
        var parents = report.Groups.Where(g => g.Resource.StartsWith("pods.metrics.k8s.io via", StringComparison.Ordinal));
        Assert.All(parents, g => Assert.Equal(0, g.Shares.Serialization + g.Shares.Webhooks));
    }
}
