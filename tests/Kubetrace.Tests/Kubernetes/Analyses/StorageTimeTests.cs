using Kubetrace.Kubernetes.Analyses;
using Kubetrace.Storage;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The apiserver and etcd analyses over the storage shapes of the watch cache, KMS encryption and watches: a read
/// the cache answers spends nothing in etcd, decryption is its own phase, watches are left out of latency.
/// </summary>
public sealed class StorageTimeTests
{
    private static readonly TimeRange All = new(0, long.MaxValue);

    private static ApiserverLatencyReport Apiserver(params TraceBuilder[] traces)
    {
        var analysis = new ApiserverLatencyAnalysis(All);
        foreach (var trace in traces) analysis.Add(trace.Scanned(analysis.ScanRequest));
        return analysis.Report();
    }

    /// <summary>
    /// A 1.34 secret GET, 0–50 ms: handler 5–45, <c>cacher.Get</c> 6–44 handing the read to <c>Get etcd3</c>
    /// 10–40, whose Range runs 12–20 and whose decryption runs 22–32. Etcd: storage's own 2 + 2 + 8 and the Range 8;
    /// encryption 10; the rest 20.
    /// </summary>
    private static TraceBuilder EncryptedSecretGet()
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "GET /api/v1/namespaces/{:namespace}/secrets/{:name}", SpanKind.Server, null, 0, 50,
            ("http.method", "GET"), ("http.target", "/api/v1/namespaces/shop/secrets/api-credentials"), ("http.status_code", 200));
        var handler = t.Internal("Get", root, 5, 45, ("verb", "GET"), ("resource", "secrets"), ("namespace", "shop"));
        var cacher = t.Internal("cacher.Get", handler, 6, 44);
        var storage = t.Internal("Get etcd3", cacher, 10, 40, ("key", "/registry/secrets/shop/api-credentials"), ("resource", "secrets"));
        t.Add("apiserver", "etcdserverpb.KV/Range", SpanKind.Client, storage, 12, 20, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.KV"), ("rpc.method", "Range"));
        t.Internal("TransformFromStorage with envelopeTransformer", storage, 22, 32);
        return t;
    }

    [Fact]
    public void Decrypting_a_secret_is_the_encryption_phase_and_not_etcd()
    {
        var group = Assert.Single(Apiserver(EncryptedSecretGet()).Groups);

        Assert.Equal(("get", "secrets"), (group.Verb, group.Resource));
        Assert.Equal((0.4, 0.2, 0.4), (group.Shares.Etcd, group.Shares.Encryption!.Value, group.Shares.Rest));
        var row = Assert.Single(ApiserverLatencyAnalysis.Table(Apiserver(EncryptedSecretGet())).Rows);
        Assert.Equal(("40%", "20%"), (row[10], row[11])); // the Etcd and KMS columns
    }

    [Fact]
    public void A_list_the_watch_cache_answers_spends_nothing_in_etcd()
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "GET /apis/apps/v1/replicasets", SpanKind.Server, null, 0, 10,
            ("http.method", "GET"), ("http.target", "/apis/apps/v1/replicasets?resourceVersion=0"), ("http.status_code", 200));
        var handler = t.Internal("List", root, 1, 9, ("verb", "LIST"), ("resource", "replicasets"));
        t.Internal("cacher.GetList", handler, 2, 6);

        var group = Assert.Single(Apiserver(t).Groups);

        Assert.Equal(("list", "replicasets", 0.0, 1.0), (group.Verb, group.Resource, group.Shares.Etcd, group.Shares.Rest));
    }

    [Fact]
    public void A_watch_is_left_out_of_apiserver_latency_and_its_etcd_stream_out_of_etcd_latency()
    {
        var t = new TraceBuilder();
        var root = t.Add("apiserver", "GET /api/v1/events", SpanKind.Server, null, 0, 300_000,
            ("http.method", "GET"), ("http.target", "/api/v1/events?watch=true&resourceVersion=1200&timeoutSeconds=300"), ("http.status_code", 200));
        var handler = t.Internal("WatchList", root, 1, 299_999, ("verb", "WATCH"), ("resource", "events"));
        var stream = t.Add("apiserver", "etcdserverpb.Watch/Watch", SpanKind.Client, handler, 2, 299_998,
            ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.Watch"), ("rpc.method", "Watch"));
        t.Add("etcd", "etcdserverpb.Watch/Watch", SpanKind.Server, stream, 3, 299_997, ("rpc.system", "grpc"), ("rpc.service", "etcdserverpb.Watch"), ("rpc.method", "Watch"));
        t.Internal("WatchServer.HandleHTTP", handler, 3, 299_998);

        var apiserver = Apiserver(t, EncryptedSecretGet());
        var etcd = new EtcdLatencyAnalysis(All);
        etcd.Add(t.Scanned(etcd.ScanRequest));

        Assert.Equal((1L, 1L), (apiserver.Requests, apiserver.LongRunningLeftOut));
        Assert.Equal("secrets", Assert.Single(apiserver.Groups).Resource);
        Assert.Empty(etcd.Report().Operations);
    }
}
