using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>The <c>etcd</c> analysis as a library: each call once, per method, storage operation and key prefix.</summary>
public sealed class EtcdLatencyAnalysisTests
{
    private static EtcdLatencyReport Analyse(params K8sTraceBuilder[] traces)
    {
        var analysis = new EtcdLatencyAnalysis(new TimeRange(0, long.MaxValue));
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report();
    }

    [Fact]
    public void A_call_seen_by_the_apiserver_and_by_etcd_counts_once_on_the_apiserver_side_in_old_and_new_conventions()
    {
        var report = Analyse(ApiserverFixtures.PodCreate127(), ApiserverFixtures.PodGet136());

        Assert.Equal(2, report.Calls);
        Assert.Equal(
            [("KV/Txn", "Create etcd3", "/registry/pods", "apiserver", 1L, 30.0), ("KV/Range", "Get etcd3", "/registry/pods", "apiserver", 1L, 16.0)],
            report.Operations.Select(o => (o.Method, o.StorageOperation, o.KeyPrefix, o.MeasuredOn, o.Calls, o.P99Ms)));
        Assert.All(report.Operations, o => Assert.Equal(0, o.Errors));
    }

    [Fact]
    public void An_etcd_server_span_without_a_client_span_above_it_is_measured_on_the_etcd_side()
    {
        var other = new K8sTraceBuilder();
        other.Add("etcd", "etcdserverpb.Lease/LeaseGrant", SpanKind.Server, null, 0, 3, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.Lease"), ("rpc.method", "LeaseGrant"));

        var operation = Assert.Single(Analyse(other).Operations);

        Assert.Equal(("Lease/LeaseGrant", "", EtcdKeyPrefix.Unknown, "etcd", 3.0), (operation.Method, operation.StorageOperation, operation.KeyPrefix, operation.MeasuredOn, operation.P50Ms));
    }

    [Fact]
    public void Errors_come_from_the_status_or_a_grpc_code_other_than_OK_and_rows_are_worst_p99_first()
    {
        var traces = new List<K8sTraceBuilder>();
        foreach (var (resource, ms, code) in new[] { ("leases", 2.0, "0"), ("leases", 3.0, "4"), ("configmaps", 250.0, "DEADLINE_EXCEEDED"), ("configmaps", 1.0, "OK") })
        {
            var t = new K8sTraceBuilder();
            var root = t.Add("apiserver", "KubernetesAPI", SpanKind.Server, null, 0, ms + 2, ("http.method", "PUT"));
            var storage = t.Internal("GuaranteedUpdate etcd3", root, 0.5, ms + 1.5, ("key", $"/registry/{resource}/default/x"), ("resource", resource));
            var attributes = int.TryParse(code, out var number)
                ? new (string, object)[] { ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Txn"), ("rpc.grpc.status_code", number) }
                : [("rpc.system.name", "grpc"), ("rpc.method", "etcdserverpb.KV/Txn"), ("rpc.response.status_code", code)];
            t.Add("apiserver", "etcdserverpb.KV/Txn", SpanKind.Client, storage, 1, ms + 1, attributes);
            traces.Add(t);
        }

        var report = Analyse([.. traces]);

        Assert.Equal([("/registry/configmaps", 2L, 1L, 0.5, 250.0), ("/registry/leases", 2L, 1L, 0.5, 3.0)],
            report.Operations.Select(o => (o.KeyPrefix, o.Calls, o.Errors, o.ErrorRate, o.P99Ms)));
        Assert.Equal("/registry/configmaps", EtcdLatencyAnalysis.Table(report).Rows[0][0]);
    }

    [Theory]
    [InlineData("/registry/pods/default/web-0", "pods", "/registry/pods")]
    [InlineData("/registry/pods/", "pods", "/registry/pods")]
    [InlineData("/registry/example.com/widgets/ns/w", "widgets", "/registry/example.com/widgets")]
    [InlineData("/registry/leases/kube-node-lease/worker-1", null, "/registry/leases")]
    [InlineData(null, "configmaps", "/registry/configmaps")]
    public void The_key_prefix_names_the_resource(string? key, string? resource, string prefix) =>
        Assert.Equal(prefix, EtcdKeyPrefix.Of(key, resource));
}
