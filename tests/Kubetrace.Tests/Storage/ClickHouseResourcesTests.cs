using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Trace;
using Kubetrace.Storage;
using Kubetrace.Storage.ClickHouse;
using Kubetrace.Storage.Scan;
using Kubetrace.Tests.TestSupport;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>
/// Schema version 6 on ClickHouse (docs/storage.md, "Resources written once"): a resource — service and k8s.* resource
/// attributes, the same for thousands of spans — is written once per INSERT into the resources table, keyed by a hash
/// of its envelope, and the spans refer to it by that hash. Every read answers as before: trace by ID, searches and
/// attribute values by a resource attribute, the analyses' scans; also over spans a version-5 Kubetrace wrote whole.
/// </summary>
public sealed class ClickHouseResourcesTests : IAsyncLifetime
{
    private const int Traces = 50;
    private const int SpansPerTrace = 10;

    private readonly TempStore _embedded = new();
    private readonly List<ClickHouseTempStore> _clickHouse = [];

    /// <summary>A pod's resource shared by <see cref="Traces"/> × <see cref="SpansPerTrace"/> spans, and a second, smaller one.</summary>
    private static ExportTraceServiceRequest Pods(int firstTrace, string pod)
    {
        var apiserver = Enumerable.Range(firstTrace, Traces).SelectMany(t => Enumerable.Range(1, SpansPerTrace)
            .Select(s => Span(t, s, s - 1, s == 1 ? "GET /api/v1/pods" : $"step {s}", t * 10 + s, 5, ("http.route", "/api/v1/pods"))));
        var request = Request(apiserver, "apiserver", ("k8s.namespace.name", "kube-system"), ("k8s.pod.name", pod), ("k8s.node.name", "node-1"));
        request.ResourceSpans.Add(Request([Span(1000 + firstTrace, 1, 0, "etcd get", firstTrace * 10, 2)], "etcd",
            ("k8s.namespace.name", "etcd-system")).ResourceSpans);
        return request;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _embedded.DisposeAsync();
        foreach (var store in _clickHouse) await store.DisposeAsync();
    }

    [RequiresClickHouseFact]
    public async Task A_resource_shared_by_many_spans_is_stored_once_and_every_span_reads_back_with_it()
    {
        var store = Open(ClickHouseTestServer.NewOptions());
        await AppendBothAsync(store, Pods(1, "apiserver-1"));

        Assert.Equal("2", await ScalarAsync(store, "SELECT count() FROM resources"));
        Assert.Equal("2", await ScalarAsync(store, "SELECT countIf(length(resource) > 0) FROM spans"));
        Assert.Equal($"{Traces * SpansPerTrace + 1}", await ScalarAsync(store, "SELECT count() FROM spans"));

        await AssertTracesAsWrittenAsync(store, 1, 5, Traces);
        var inPod = await FetchAsync(store, Condition.Attribute("k8s.pod.name", "apiserver-1", AttributeScope.Resource));
        Assert.Equal(Traces, inPod.Count);
        Assert.All(inPod, match => Assert.Equal(SpansPerTrace, match.Summary.SpanCount));
        Assert.Equal(Traces, (await FetchAsync(store, Condition.Attribute("k8s.node.name", "node-1"))).Count);
        Assert.Single(await FetchAsync(store, Condition.Attribute("k8s.namespace.name", "etcd-system", AttributeScope.Resource)));
        Assert.Empty(await FetchAsync(store, Condition.Attribute("k8s.pod.name", "apiserver-1", AttributeScope.Span)));
        Assert.Equal(["etcd-system", "kube-system"],
            await store.Store.GetAttributeValuesAsync(AttributeScope.Resource, "k8s.namespace.name", 10, CancellationToken.None));

        // The analyses' scan resolves resource attributes for every span, as the embedded store does.
        var nodes = new List<string?>();
        await ((ClickHouseTraceStore)store.Store).ScanAsync(new SpanScanRequest(TimeRange.All, ["k8s.node.name", "k8s.namespace.name"]),
            trace => nodes.AddRange(trace.Spans.Select(s => s.Values[0] + "/" + s.Values[1])), CancellationToken.None);
        Assert.Equal(Traces * SpansPerTrace, nodes.Count(n => n == "node-1/kube-system"));
        Assert.Equal(1, nodes.Count(n => n == "/etcd-system"));
    }

    [RequiresClickHouseFact]
    public async Task A_version_5_database_answers_searches_by_resource_attributes_over_old_and_new_spans_after_migration()
    {
        var options = ClickHouseTestServer.NewOptions();
        var old = Pods(1, "apiserver-1");
        await ClickHouseVersion2Rows.CreateAsync(options, old, version: 5);
        await _embedded.AppendAsync(old);

        var store = Open(options);
        await AppendBothAsync(store, Pods(Traces + 1, "apiserver-2"));

        Assert.Equal("2", await ScalarAsync(store, "SELECT count() FROM resources")); // the new spans' resources only
        var inNamespace = await FetchAsync(store, Condition.Attribute("k8s.namespace.name", "kube-system", AttributeScope.Resource));
        Assert.Equal(2 * Traces, inNamespace.Count);
        Assert.Equal(Traces, (await FetchAsync(store, Condition.Attribute("k8s.pod.name", "apiserver-1"))).Count);
        Assert.Equal(Traces, (await FetchAsync(store, Condition.Attribute("k8s.pod.name", "apiserver-2", AttributeScope.Resource))).Count);
        Assert.Equal(["apiserver-1", "apiserver-2"],
            await store.Store.GetAttributeValuesAsync(AttributeScope.Resource, "k8s.pod.name", 10, CancellationToken.None));
        await AssertTracesAsWrittenAsync(store, 1, Traces, Traces + 1, 2 * Traces);

        var pods = new List<string?>();
        await ((ClickHouseTraceStore)store.Store).ScanAsync(new SpanScanRequest(TimeRange.All, ["k8s.pod.name"]),
            trace => pods.AddRange(trace.Spans.Select(s => s.Values[0])), CancellationToken.None);
        Assert.Equal(Traces * SpansPerTrace, pods.Count(p => p == "apiserver-1"));
        Assert.Equal(Traces * SpansPerTrace, pods.Count(p => p == "apiserver-2"));
    }

    private ClickHouseTempStore Open(ClickHouseOptions options)
    {
        var store = new ClickHouseTempStore(options);
        _clickHouse.Add(store);
        return store;
    }

    private async Task AppendBothAsync(ClickHouseTempStore store, ExportTraceServiceRequest request)
    {
        await _embedded.AppendAsync(request);
        await store.AppendAsync(request);
    }

    private static async Task<IReadOnlyList<TraceMatch>> FetchAsync(ClickHouseTempStore store, Condition condition) =>
        await store.Store.FetchAsync(new FetchRequest(TimeRange.All, [condition], AllConditions: true, 4 * Traces), CancellationToken.None);

    /// <summary>The traces read back from ClickHouse as the embedded store gives them, resource and all.</summary>
    private async Task AssertTracesAsWrittenAsync(ClickHouseTempStore store, params int[] traces)
    {
        foreach (var trace in traces)
        {
            var id = Kubetrace.Storage.TraceId.FromByteString(TraceId(trace));
            var expected = new ExportTraceServiceRequest { ResourceSpans = { await _embedded.Store.GetTraceAsync(id, CancellationToken.None) } };
            var stored = await store.Store.GetTraceAsync(id, CancellationToken.None);
            Assert.NotNull(stored);
            var actual = new ExportTraceServiceRequest { ResourceSpans = { stored } };
            Assert.True(expected.Equals(actual), $"trace {trace}:\n{actual}\nexpected\n{expected}");
        }
    }

    private static async Task<string> ScalarAsync(ClickHouseTempStore store, string sql)
    {
        using var http = new ClickHouseHttp(store.Options);
        return string.Join("\n", await http.QueryLinesAsync(sql, CancellationToken.None));
    }
}
