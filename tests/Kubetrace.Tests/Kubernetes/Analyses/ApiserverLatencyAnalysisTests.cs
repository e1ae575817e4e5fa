using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The <c>apiserver</c> analysis as a library, over hand-built requests of several Kubernetes versions.</summary>
public sealed class ApiserverLatencyAnalysisTests
{
    private static ApiserverLatencyReport Analyse(params TraceBuilder[] traces)
    {
        var analysis = new ApiserverLatencyAnalysis(new TimeRange(0, long.MaxValue));
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report();
    }

    [Fact]
    public void A_1_27_request_is_found_by_its_KubernetesAPI_span_and_its_time_split_with_its_one_authentication_span()
    {
        var report = Analyse(ApiserverFixtures.PodCreate127());

        var group = Assert.Single(report.Groups);
        Assert.Equal(("create", "pods", 1L), (group.Verb, group.Resource, group.Count));
        Assert.Equal(100, group.P99Ms);
        var shares = group.Shares;
        Assert.Equal((0.02, 0.2, 0.4, 0.08, 0.3), (shares.Authentication, shares.Webhooks, shares.Etcd, shares.Serialization, shares.Rest));
        Assert.Equal(("istio-sidecar-injector/namespace.sidecar-injector.istio.io", 0.2), (shares.ByWebhook[0].Webhook, shares.ByWebhook[0].Share));
        Assert.Null(shares.Authorization);
        Assert.Null(shares.PriorityAndFairness);
        Assert.Equal(1, report.RequestsWithoutFilterSpans);
        Assert.Contains(ApiserverLatencyAnalysis.Table(report).Notes, n => n.Contains("no authorization or priority-and-fairness spans", StringComparison.Ordinal) && n.Contains("1.34", StringComparison.Ordinal));
    }

    [Fact]
    public void A_1_36_request_with_route_name_and_nested_filter_spans_gets_exact_filter_shares()
    {
        var report = Analyse(ApiserverFixtures.PodGet136());

        var group = Assert.Single(report.Groups);
        Assert.Equal(("get", "pods", 50.0), (group.Verb, group.Resource, group.P50Ms));
        var s = group.Shares;
        Assert.Equal((null, 0.082, 0.202, 0.044), (s.Authentication, s.Authorization, s.PriorityAndFairness, s.OtherFilters));
        Assert.Equal((0.0, 0.4, 0.06, 0.212), (s.Webhooks, s.Etcd, s.Serialization, s.Rest));
        Assert.Equal(0, report.RequestsWithoutFilterSpans);
        var row = Assert.Single(ApiserverLatencyAnalysis.Table(report).Rows);
        // One request bounds no median and no p99 from above: the marks say so (see SamplingTests). No envelope span: KMS n/a.
        Assert.Equal(["get", "pods", "1", "50ms?", "50ms?", "≥50ms", "n/a", "8.2%", "20%", "0.0%", "40%", "n/a", "6.0%", "26%"], row);
    }

    [Fact]
    public void Concurrent_webhooks_share_the_time_they_overlap_so_shares_add_up_to_the_duration()
    {
        var group = Assert.Single(Analyse(ApiserverFixtures.DeploymentUpdateWithParallelWebhooks()).Groups);

        Assert.Equal(("update", "deployments"), (group.Verb, group.Resource));
        Assert.Equal([("guards/policy.example.com", 0.375), ("guards/quota.example.com", 0.125)],
            group.Shares.ByWebhook.Select(w => (w.Webhook, w.Share)));
        Assert.Equal((0.5, 0.5), (group.Shares.Webhooks, group.Shares.Rest));
    }

    [Fact]
    public void An_etcd_server_span_with_a_skewed_clock_is_kept_inside_the_client_call_it_serves()
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, 10, ("http.method", "GET"),
            ("http.target", "/api/v1/namespaces/default/configmaps/settings"));
        var storage = t.Internal("Get etcd3", root, 2, 6, ("key", "/registry/configmaps/default/settings"), ("resource", "configmaps"));
        var client = t.Add("apiserver", "etcdserverpb.KV/Range", SpanKind.Client, storage, 3, 5);
        t.Add("etcd", "etcdserverpb.KV/Range", SpanKind.Server, client, 4, 9); // etcd's clock runs 3 ms ahead
        t.Internal("SerializeObject", root, 6, 8);

        var group = Assert.Single(Analyse(t).Groups);

        Assert.Equal(("get", "configmaps"), (group.Verb, group.Resource));
        Assert.Equal((0.4, 0.2, 0.4), (group.Shares.Etcd, group.Shares.Serialization, group.Shares.Rest));
    }

    [Fact]
    public void Groups_are_sorted_by_p99_worst_first_with_exact_percentiles_of_round_durations()
    {
        var lists = Enumerable.Range(1, 100).Select(ms => ApiserverFixtures.PodList(ms)).ToList();
        var report = Analyse([.. lists, ApiserverFixtures.PodGet136(), ApiserverFixtures.PodCreate127()]);

        Assert.Equal(["create pods", "list pods", "get pods"], report.Groups.Select(g => $"{g.Verb} {g.Resource}")); // p99 100, 99, 50 ms
        var list = report.Groups[1];
        Assert.Equal((100L, 50.0, 95.0, 99.0, 50.5), (list.Count, list.P50Ms, list.P95Ms, list.P99Ms, list.MeanMs));
        Assert.Equal(1.0, list.Shares.Rest);
        Assert.Equal("p99", report.SortedBy);
    }

    [Fact]
    public void Watches_are_left_out_because_their_duration_is_not_latency()
    {
        var watch = new TraceBuilder();
        var root = watch.Add("apiserver", "GET /api/v1/pods", SpanKind.Server, null, 0, 300_000,
            ("http.request.method", "GET"), ("url.path", "/api/v1/pods"));
        watch.Internal("WatchList", root, 1, 299_999, ("resource", "pods"));

        var report = Analyse(watch, ApiserverFixtures.PodGet136());

        Assert.Equal(["get pods"], report.Groups.Select(g => $"{g.Verb} {g.Resource}"));
        Assert.Equal(1, report.LongRunningLeftOut);
    }

    [Fact]
    public void An_old_request_without_a_handler_span_is_a_watch_when_its_http_target_says_so()
    {
        var watch = new TraceBuilder();
        watch.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, 300_000,
            ("http.method", "GET"), ("http.target", "/api/v1/namespaces/default/pods?watch=true&resourceVersion=7"));

        var report = Analyse(watch, ApiserverFixtures.PodGet136());

        Assert.Equal(["get pods"], report.Groups.Select(g => $"{g.Verb} {g.Resource}"));
        Assert.Equal(1, report.LongRunningLeftOut);
    }

    [Theory]
    [InlineData("KubernetesAPI", "POST", "/api/v1/namespaces/default/pods", "create", "pods")]
    [InlineData("KubernetesAPI", "GET", "/apis/apps/v1/namespaces/shop/deployments/cart", "get", "deployments")]
    [InlineData("GET /api/v1/namespaces/{:namespace}/pods", "GET", null, "list", "pods")]
    [InlineData("PATCH /api/v1/namespaces/{:namespace}/pods/{:name}/status", "PATCH", null, "patch", "pods/status")]
    [InlineData("DELETE /apis/batch/v1/namespaces/{:namespace}/jobs", "DELETE", null, "deletecollection", "jobs")]
    [InlineData("GET", "GET", "/healthz", "get", "(non-resource)")]
    [InlineData("KubernetesAPI", "PUT", "/api/v1/nodes/worker-1/status", "update", "nodes/status")]
    [InlineData("KubernetesAPI", "GET", "/api/v1/nodes?limit=500", "list", "nodes")]
    [InlineData("GET /api/v1/nodes/{:name}", "GET", "/api/v1/nodes/worker-1", "get", "nodes")]
    [InlineData("GET /api/v1/namespaces/{:namespace}/pods/{:name}", "GET", "/api/v1/namespaces/default/pods/", "get", "pods")] // the route names one object
    public void Without_a_handler_span_verb_and_resource_come_from_the_route_or_path(string spanName, string method, string? path, string verb, string resource)
    {
        var t = new TraceBuilder();
        var attributes = path is null ? new[] { ("http.method", (object)method) } : [("http.method", method), ("http.target", path)];
        t.Add("apiserver", spanName, SpanKind.Server, null, 0, 5, attributes);

        var group = Assert.Single(Analyse(t).Groups);

        Assert.Equal((verb, resource), (group.Verb, group.Resource));
    }
}
