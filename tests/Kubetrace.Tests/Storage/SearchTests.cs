using Kubetrace.Storage;
using static Kubetrace.Tests.TestSupport.Spans;

namespace Kubetrace.Tests.Storage;

/// <summary>Every condition kind, checked on the head and on a block (the two paths must agree).</summary>
public class SearchTests
{
    private static readonly TimeRange Everything = TimeRange.All;

    /// <summary>Trace 1: apiserver → etcd, ns "default", slow, with an error. Trace 2: kubelet only, ns
    /// "kube-system", fast. Trace 3: an etcd child whose apiserver root never arrived.</summary>
    private static async Task<TempStore> ThreeTraces(bool inBlock)
    {
        var temp = new TempStore();
        var slowChild = Span(1, 2, 1, "etcdserverpb.KV/Range", 10, 400, ("k8s.namespace.name", "default"), ("db.system", "etcd"));
        slowChild.Status = new() { Code = Kubetrace.Otlp.Proto.Trace.Status.Types.StatusCode.Error };
        await temp.AppendAsync(Request(
            Resource("apiserver", Span(1, 1, 0, "GET /api/v1/pods", 0, 500, ("k8s.namespace.name", "default"), ("http.status_code", "200"))),
            Resource("etcd", slowChild)));
        await temp.AppendAsync(Request(
            Resource("kubelet", Span(2, 1, 0, "SyncPod", 1000, 5, ("k8s.namespace.name", "kube-system"), ("k8s.pod.name", "coredns-1")))));
        await temp.AppendAsync(Request(
            Resource("etcd", Span(3, 5, 4, "etcdserverpb.KV/Txn", 2000, 30, ("k8s.namespace.name", "team-01")))));
        if (inBlock) await temp.Store.FlushHeadAsync();
        return temp;
    }

    private static async Task<int[]> Find(bool inBlock, params Condition[] conditions)
    {
        await using var temp = await ThreeTraces(inBlock);
        var matches = await temp.Store.FetchAsync(new FetchRequest(Everything, conditions), CancellationToken.None);
        return matches.Select(m => (int)m.Summary.TraceId.Value).Order().ToArray();
    }

    public static TheoryData<bool> Places => new() { false, true };

    [Theory, MemberData(nameof(Places))]
    public async Task By_service(bool inBlock)
    {
        Assert.Equal(new[] { 1, 3 }, await Find(inBlock, Condition.Service("etcd")));
        Assert.Equal(new[] { 2 }, await Find(inBlock, new Condition(AttributeScope.Intrinsic, "service", ConditionOp.Regex, "kube.*")));
    }

    [Theory, MemberData(nameof(Places))]
    public async Task By_span_name(bool inBlock) => Assert.Equal(new[] { 2 }, await Find(inBlock, Condition.SpanName("SyncPod")));

    [Theory, MemberData(nameof(Places))]
    public async Task By_attribute_equality_inequality_regex_and_existence(bool inBlock)
    {
        Assert.Equal(new[] { 1 }, await Find(inBlock, Condition.Attribute("k8s.namespace.name", "default")));
        Assert.Equal(new[] { 2, 3 }, await Find(inBlock, new Condition(AttributeScope.Span, "k8s.namespace.name", ConditionOp.NotEqual, "default")));
        Assert.Equal(new[] { 2, 3 }, await Find(inBlock, new Condition(AttributeScope.Span, "k8s.namespace.name", ConditionOp.Regex, "(kube|team).*")));
        Assert.Equal(new[] { 2 }, await Find(inBlock, new Condition(AttributeScope.Span, "k8s.pod.name", ConditionOp.Exists)));
        Assert.Empty(await Find(inBlock, Condition.Attribute("k8s.namespace.name", "nope")));
        Assert.Empty(await Find(inBlock, Condition.Attribute("no.such.key", "x")));
    }

    [Theory, MemberData(nameof(Places))]
    public async Task By_an_attribute_too_unique_to_index_by_scanning_rows(bool inBlock)
    {
        await using var temp = new TempStore();
        for (var t = 1; t <= 300; t++)
            await temp.AppendAsync(Request(Resource("apiserver", Span(t, 1, 0, "GET", t, 1, ("k8s.audit.id", $"00000000-0000-4000-8000-{t:D12}"), ("request.id", $"req-{t}")))));
        if (inBlock) await temp.Store.FlushHeadAsync();

        foreach (var key in new[] { "k8s.audit.id", "request.id" })
        {
            var value = key == "request.id" ? "req-42" : "00000000-0000-4000-8000-000000000042";
            var matches = await temp.Store.FetchAsync(new FetchRequest(Everything, [Condition.Attribute(key, value, AttributeScope.Span)]), CancellationToken.None);
            Assert.Equal(42, (int)Assert.Single(matches).Summary.TraceId.Value);
        }
    }

    [Theory, MemberData(nameof(Places))]
    public async Task By_resource_attribute(bool inBlock)
    {
        Assert.Equal(new[] { 2 }, await Find(inBlock, new Condition(AttributeScope.Resource, "service.name", ConditionOp.Equal, "kubelet")));
        Assert.Empty(await Find(inBlock, new Condition(AttributeScope.Span, "service.name", ConditionOp.Equal, "kubelet")));
    }

    [Theory, MemberData(nameof(Places))]
    public async Task By_duration_status_and_kind(bool inBlock)
    {
        Assert.Equal(new[] { 1 }, await Find(inBlock, Condition.MinDuration(TimeSpan.FromMilliseconds(300))));
        Assert.Equal(new[] { 2 }, await Find(inBlock, Condition.MaxDuration(TimeSpan.FromMilliseconds(5))));
        Assert.Equal(new[] { 1 }, await Find(inBlock, new Condition(AttributeScope.Intrinsic, "status", ConditionOp.Equal, "error")));
        Assert.Equal(new[] { 1, 3 }, await Find(inBlock, new Condition(AttributeScope.Intrinsic, "kind", ConditionOp.Equal, "client")));
    }

    [Theory, MemberData(nameof(Places))]
    public async Task All_conditions_must_hold_on_the_same_span(bool inBlock)
    {
        // Trace 1 has a slow span and an apiserver span, but the slow one (400ms child) is etcd's; the root is 500ms.
        Assert.Equal(new[] { 1 }, await Find(inBlock, Condition.Service("apiserver"), Condition.MinDuration(TimeSpan.FromMilliseconds(450))));
        Assert.Empty(await Find(inBlock, Condition.Service("etcd"), Condition.MinDuration(TimeSpan.FromMilliseconds(450))));
        Assert.Empty(await Find(inBlock, Condition.Service("kubelet"), Condition.Attribute("k8s.namespace.name", "default")));
    }

    [Theory, MemberData(nameof(Places))]
    public async Task A_trace_whose_root_has_not_arrived_is_found_and_summarised_from_its_earliest_span(bool inBlock)
    {
        await using var temp = await ThreeTraces(inBlock);
        var match = Assert.Single(await temp.Store.FetchAsync(
            new FetchRequest(Everything, [Condition.Attribute("k8s.namespace.name", "team-01")]), CancellationToken.None));
        Assert.False(match.Summary.HasRoot);
        Assert.Equal("etcd", match.Summary.RootService);
        Assert.Equal("etcdserverpb.KV/Txn", match.Summary.RootName);
    }

    [Theory, MemberData(nameof(Places))]
    public async Task A_summary_counts_spans_errors_services_and_spans_the_whole_trace(bool inBlock)
    {
        await using var temp = await ThreeTraces(inBlock);
        var match = Assert.Single(await temp.Store.FetchAsync(
            new FetchRequest(Everything, [Condition.Service("apiserver")]) { SpansPerTrace = 5 }, CancellationToken.None));
        var summary = match.Summary;
        Assert.Equal(("apiserver", "GET /api/v1/pods", true), (summary.RootService, summary.RootName, summary.HasRoot));
        Assert.Equal((2, 1), (summary.SpanCount, summary.ErrorCount));
        Assert.Equal(["apiserver", "etcd"], summary.Services);
        Assert.Equal((long)BaseTime, summary.StartUnixNano);
        Assert.Equal(500_000_000, summary.DurationNano);
        Assert.Equal("GET /api/v1/pods", Assert.Single(match.Spans).Name);
    }

    [Theory, MemberData(nameof(Places))]
    public async Task Results_are_the_most_recent_traces_first_and_respect_the_limit_and_time_range(bool inBlock)
    {
        await using var temp = await ThreeTraces(inBlock);
        var recent = await temp.Store.FetchAsync(new FetchRequest(Everything, [], Limit: 2), CancellationToken.None);
        Assert.Equal([3, 2], recent.Select(m => (int)m.Summary.TraceId.Value));

        var start = (long)BaseTime + 900_000_000;
        var window = await temp.Store.FetchAsync(new FetchRequest(new TimeRange(start, start + 200_000_000), []), CancellationToken.None);
        Assert.Equal([2], window.Select(m => (int)m.Summary.TraceId.Value));
    }

    [Fact]
    public async Task Services_operations_and_attribute_catalog_cover_head_and_blocks()
    {
        await using var temp = await ThreeTraces(inBlock: true);
        await temp.AppendAsync(Request(Resource("containerd", Span(4, 1, 0, "CreateContainer", 0, 1, ("k8s.namespace.name", "team-02")))));
        var store = temp.Store;
        var none = CancellationToken.None;

        Assert.Equal(new[] { "apiserver", "containerd", "etcd", "kubelet" }, await store.GetServicesAsync(none));
        Assert.Equal(new[] { new Operation("etcdserverpb.KV/Range", "client"), new Operation("etcdserverpb.KV/Txn", "client") }, await store.GetOperationsAsync("etcd", none));
        Assert.Contains("k8s.pod.name", await store.GetAttributeNamesAsync(AttributeScope.Span, none));
        Assert.DoesNotContain("service.name", await store.GetAttributeNamesAsync(AttributeScope.Span, none));
        Assert.Contains("service.name", await store.GetAttributeNamesAsync(AttributeScope.Resource, none));
        Assert.Equal(new[] { "default", "kube-system", "team-01", "team-02" }, await store.GetAttributeValuesAsync(AttributeScope.Span, "k8s.namespace.name", 10, none));
        Assert.Equal(2, (await store.GetAttributeValuesAsync(AttributeScope.Span, "k8s.namespace.name", 2, none)).Count);
    }

    [Theory, MemberData(nameof(Places))]
    public async Task Dependencies_count_calls_and_errors_between_services_from_parent_child_spans(bool inBlock)
    {
        await using var temp = await ThreeTraces(inBlock);
        await temp.AppendAsync(Request(
            Resource("apiserver", Span(5, 1, 0, "LIST", 0, 10)),
            Resource("etcd", Span(5, 2, 1, "Range", 1, 1), Span(5, 3, 1, "Range", 2, 1))));
        if (inBlock) await temp.Store.FlushHeadAsync();

        var edges = await temp.Store.GetDependenciesAsync(TimeRange.All, CancellationToken.None);

        // Trace 1 gives apiserver→etcd with an error, trace 5 two more calls; trace 3's parent is missing.
        Assert.Equal([new DependencyEdge("apiserver", "etcd", 3, 1)], edges);
        Assert.Empty(await temp.Store.GetDependenciesAsync(new TimeRange(0, 1000), CancellationToken.None));
    }
}
