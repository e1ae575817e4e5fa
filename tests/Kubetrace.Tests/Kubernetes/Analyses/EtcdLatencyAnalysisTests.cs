using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Kubernetes.Analyses.Storage;
using Kubetrace.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The <c>etcd</c> analysis as a library, on spans shaped as k8s.io/apiserver and etcd build them: each call once,
/// per method, operation and resource, with etcd's own latency beside the apiserver's. (The corpus tests run it on
/// every release's upstream-shaped traces.)
/// </summary>
public sealed class EtcdLatencyAnalysisTests
{
    private static EtcdLatencyReport Analyse(params TraceBuilder[] traces)
    {
        var analysis = new EtcdLatencyAnalysis(new TimeRange(0, long.MaxValue));
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report();
    }

    private static readonly (string, object)[] OldRange = [("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Range"), ("rpc.grpc.status_code", 0)];

    /// <summary>A 1.34 GET served by etcd: handler, <c>cacher.Get</c> (no storage span), the Range from both sides.</summary>
    private static TraceBuilder Get134(string resource, string group, double etcdMs)
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "GET /apis/{group}/...", SpanKind.Server, null, 0, etcdMs + 3);
        var handler = t.Internal("Get", root, 0.2, etcdMs + 2.8, ("verb", "GET"), ("resource", resource), ("api-group", group), ("url", "/apis/x"));
        var cacher = t.Internal("cacher.Get", handler, 0.3, etcdMs + 2, ("key", $"/{resource}/shop/a"), ("resource-version", ""));
        var client = t.Add("apiserver", "etcdserverpb.KV/Range", SpanKind.Client, cacher, 0.4, etcdMs + 1.4, OldRange);
        t.Add("etcd", "etcdserverpb.KV/Range", SpanKind.Server, client, 0.6, etcdMs + 0.6, OldRange);
        return t;
    }

    [Fact]
    public void A_get_has_no_storage_span_yet_its_range_is_named_by_resource_and_operation_with_the_etcd_side_beside_it()
    {
        var operation = Assert.Single(Analyse(Get134("deployments", "apps", 10)).Operations);

        Assert.Equal(("KV/Range", "cacher.Get", "deployments.apps", "apiserver", 1L), (operation.Method, operation.StorageOperation, operation.Resource, operation.MeasuredOn, operation.Calls));
        Assert.Equal(11.0, operation.P99Ms);
        Assert.Equal(10.0, operation.EtcdP99Ms);
    }

    [Theory]
    [InlineData("deployments.apps", null, "deployments.apps")] // through 1.33: group.resource in one attribute
    [InlineData("deployments", "apps", "deployments.apps")]    // 1.34+: group and resource apart
    [InlineData("pods", "", "pods")]                           // the core group
    public void A_storage_spans_resource_is_group_resource_in_every_release(string resource, string? group, string expected)
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, 5);
        var attributes = new List<(string, object)> { ("key", "/deployments/shop/web"), ("resource", resource) };
        if (group is not null) attributes.Add(("group", group));
        var storage = t.Internal("GuaranteedUpdate etcd3", root, 0.5, 4, [.. attributes]);
        t.Add("apiserver", "etcdserverpb.KV/Txn", SpanKind.Client, storage, 1, 3, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", 0));

        Assert.Equal(expected, Assert.Single(Analyse(t).Operations).Resource);
    }

    [Fact]
    public void An_etcd_server_span_without_a_client_span_above_it_is_measured_on_the_etcd_side_and_3_7_keys_name_its_resource()
    {
        var t = new TraceBuilder();
        var server = t.Add("etcd", "etcdserverpb.KV/Txn", SpanKind.Server, null, 0, 3, ("rpc.system.name", "grpc"), ("rpc.method", "etcdserverpb.KV/Txn"), ("rpc.response.status_code", "OK"));
        t.Internal("txn", server, 0.1, 2.9, ("compare_first_key", "/registry/minions/worker-1"), ("success_first_key", "/registry/minions/worker-1"));
        var lease = new TraceBuilder();
        lease.Add("etcd", "etcdserverpb.Lease/LeaseGrant", SpanKind.Server, null, 0, 2, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.Lease"), ("rpc.method", "LeaseGrant"));

        var operations = Analyse(t, lease).Operations;

        Assert.Equal([("KV/Txn", "nodes", "etcd", 3.0, 3.0), ("Lease/LeaseGrant", StorageResource.Unknown, "etcd", 2.0, 2.0)],
            operations.Select(o => (o.Method, o.Resource, o.MeasuredOn, o.P50Ms, o.EtcdP99Ms!.Value)));
    }

    [Fact]
    public void Watch_streams_stay_out_and_errors_come_from_the_status_or_a_grpc_code_other_than_OK()
    {
        var traces = new List<TraceBuilder>();
        foreach (var (ms, code) in new[] { (2.0, "0"), (3.0, "4"), (250.0, "DEADLINE_EXCEEDED"), (1.0, "OK") })
        {
            var t = new TraceBuilder();
            var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, ms + 2);
            var storage = t.Internal("GuaranteedUpdate etcd3", root, 0.5, ms + 1.5, ("key", "/leases/default/x"), ("resource", "leases.coordination.k8s.io"));
            var attributes = int.TryParse(code, out var number)
                ? new (string, object)[] { ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", number) }
                : [("rpc.system.name", "grpc"), ("rpc.method", "etcdserverpb.KV/Txn"), ("rpc.response.status_code", code)];
            t.Add("apiserver", "etcdserverpb.KV/Txn", SpanKind.Client, storage, 1, ms + 1, attributes);
            traces.Add(t);
        }
        var watch = new TraceBuilder();
        var list = watch.Add("apiserver", "List", SpanKind.Internal, null, 0, 300_000, ("verb", "WATCH"), ("resource", "events"));
        watch.Add("apiserver", "etcdserverpb.Watch/Watch", SpanKind.Client, list, 1, 299_999, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.Watch"), ("rpc.method", "Watch"));

        var operation = Assert.Single(Analyse([.. traces, watch]).Operations);

        Assert.Equal(("leases.coordination.k8s.io", 4L, 2L, 0.5, 250.0), (operation.Resource, operation.Calls, operation.Errors, operation.ErrorRate, operation.P99Ms));
        Assert.Null(operation.EtcdP99Ms);
        Assert.Equal("n/a", EtcdLatencyAnalysis.Table(Analyse([.. traces])).Rows[0][9]);
    }

    [Theory]
    [InlineData("/pods/shop/web-0", "pods")]
    [InlineData("/pods", "pods")]
    [InlineData("/minions/worker-1", "nodes")]
    [InlineData("/services/specs/default/kubernetes", "services")]
    [InlineData("/registry/deployments/shop/web", "deployments")]
    [InlineData("/registry/example.com/widgets/ns/w", "widgets.example.com")]
    [InlineData("compact_rev_key", "(compaction)")]
    [InlineData("", null)]
    public void A_key_names_its_resource_with_or_without_the_registry_prefix(string key, string? resource) =>
        Assert.Equal(resource, StorageResource.FromKey(key));

    [Theory]
    [InlineData("deployments", null, "/apis/apps/v1/namespaces/shop/deployments", "deployments.apps")] // 1.27/1.28: no api-group, the URL says it
    [InlineData("deployments", "apps", "/x", "deployments.apps")]
    [InlineData("pods", "", "/api/v1/pods", "pods")]
    [InlineData("pods", null, "/api/v1/namespaces/shop/pods/a", "pods")]
    public void A_handler_names_its_resource_with_its_group(string resource, string? group, string url, string expected) =>
        Assert.Equal(expected, StorageResource.FromHandler(resource, group, url));
}
