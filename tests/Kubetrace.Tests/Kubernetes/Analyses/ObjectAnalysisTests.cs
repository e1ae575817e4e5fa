using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary><c>object</c>: one pod's timeline across the linked traces of <see cref="ObjectTraces"/>.</summary>
public sealed class ObjectAnalysisTests
{
    private static async Task<ObjectTimeline> TimelineAsync(string target, string? resource = null)
    {
        await using var store = new TempStore();
        await store.AppendAsync(ObjectTraces.Build().Request());
        return await ObjectAnalysis.AnalyseAsync(store.Store, TimeRange.All, ObjectRef.Parse(target), resource, 100, CancellationToken.None);
    }

    private static string Hex(int trace) => KubeTraces.TraceHex(trace);

    [Fact]
    public async Task Timeline_joins_the_client_apiserver_and_kubelet_traces_in_time_order()
    {
        var timeline = await TimelineAsync("shop/web-1");

        Assert.Equal(
            [(Hex(ObjectTraces.Kubectl), false), (Hex(ObjectTraces.CreateRequest), true), (Hex(ObjectTraces.KubeletSync), true), (Hex(ObjectTraces.PatchRequest), true)],
            timeline.Traces.Select(t => (t.TraceId, t.FoundByAttribute)));
        var starts = timeline.Entries.Select(e => e.StartUnixNano).ToList();
        Assert.Equal(starts.Order(), starts);
        Assert.Equal(
        [
            "kubectl kubectl create",
            "kubectl HTTP POST",
            "apiserver POST /api/v1/namespaces/{:namespace}/pods",
            "apiserver Create pods",
            "apiserver Call mutating webhook policy.example.com",
            "apiserver HTTP POST",
            "apiserver Create etcd3 /registry/pods/shop/web-1",
            "apiserver etcdserverpb.KV/Txn",
            "etcd etcdserverpb.KV/Txn",
            "kubelet syncPod",
            "kubelet runtime.v1.RuntimeService/RunPodSandbox",
            "containerd runtime.v1.RuntimeService/RunPodSandbox",
            "kubelet runtime.v1.ImageService/PullImage",
            "containerd runtime.v1.ImageService/PullImage",
            "containerd pkg.cri.server.PullImage registry.example/web:1",
            "containerd pull.Pull registry.example/web:1",
            "kubelet runtime.v1.RuntimeService/CreateContainer",
            "containerd runtime.v1.RuntimeService/CreateContainer",
            "kubelet runtime.v1.RuntimeService/StartContainer",
            "containerd runtime.v1.RuntimeService/StartContainer",
            "kubelet HTTP PATCH",
            "apiserver PATCH /api/v1/namespaces/{:namespace}/pods/{:name}/status",
            "apiserver Patch pods/status",
            "apiserver GuaranteedUpdate etcd3 /registry/pods/shop/web-1",
            "apiserver etcdserverpb.KV/Txn",
            "etcd etcdserverpb.KV/Txn",
        ], timeline.Entries.Select(e => e.Component + " " + e.Operation));
    }

    [Fact]
    public async Task Each_row_says_how_it_is_related_and_carries_its_requests_audit_id()
    {
        var timeline = await TimelineAsync("shop/web-1");

        var (command, call) = (timeline.Entries[0], timeline.Entries[1]);
        Assert.Equal(TimelineRelation.Link, call.Relation);
        Assert.Equal($"linked from apiserver POST /api/v1/namespaces/{{:namespace}}/pods (trace {Hex(ObjectTraces.CreateRequest)})", call.How);
        Assert.Equal((TimelineRelation.Link, "encloses the linked HTTP POST"), (command.Relation, command.How));
        Assert.DoesNotContain(timeline.Entries, e => e.SpanName == "authentication"); // beside the handler, not about the object
        var handler = timeline.Entries.Single(e => e.Operation == "Create pods");
        // Found through its etcd write, the create's handler brings its admission webhooks with it.
        Assert.Equal((TimelineRelation.EtcdKey, "request writing key /registry/pods/shop/web-1", "aud-create-1"), (handler.Relation, handler.How, handler.AuditId));
        Assert.Equal((TimelineRelation.Attribute, "pods shop/web-1"), timeline.Entries.Where(e => e.SpanName == "Patch").Select(e => (e.Relation, e.How)).Single());
        var webhook = timeline.Entries.Single(e => e.SpanName == "Call mutating webhook");
        Assert.Equal((TimelineRelation.Under, "aud-create-1"), (webhook.Relation, webhook.AuditId));
        Assert.Equal(TimelineRelation.EtcdKey, timeline.Entries.Single(e => e.SpanName == "GuaranteedUpdate etcd3").Relation);
        var sync = timeline.Entries.Single(e => e.SpanName == "syncPod");
        Assert.Equal(("k8s.pod shop/web-1", "node-1"), (sync.How, sync.Host));
        var patch = timeline.Entries.Single(e => e.SpanName == "HTTP PATCH");
        Assert.Equal(TimelineRelation.Under, patch.Relation);
        Assert.Contains($"linked from apiserver PATCH /api/v1/namespaces/{{:namespace}}/pods/{{:name}}/status (trace {Hex(ObjectTraces.PatchRequest)})", patch.How, StringComparison.Ordinal);
        Assert.Equal(("201", "OK"), (timeline.Entries[2].Status, timeline.Entries.First(e => e.SpanName == "etcdserverpb.KV/Txn").Status));
    }

    [Fact]
    public async Task A_pod_uid_finds_the_same_timeline_through_the_kubelet_spans()
    {
        var byName = await TimelineAsync("shop/web-1");
        var byUid = await TimelineAsync(ObjectTraces.Uid);

        Assert.Equal(("shop", "web-1"), (byUid.Namespace, byUid.Name));
        Assert.Equal(byName.Entries.Select(e => e.SpanId + e.TraceId), byUid.Entries.Select(e => e.SpanId + e.TraceId));
        Assert.Contains($"UID {ObjectTraces.Uid} is pod shop/web-1", byUid.Notes);
        Assert.Equal("k8s.pod.uid " + ObjectTraces.Uid, byUid.Entries.Single(e => e.SpanName == "syncPod").How);
    }

    [Fact]
    public async Task Unknown_objects_give_an_empty_timeline_that_says_what_was_searched()
    {
        var timeline = await TimelineAsync("shop/nothing");

        Assert.Empty(timeline.Entries);
        Assert.Contains(timeline.Notes, n => n.StartsWith("no span in the range names shop/nothing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_resource_filter_keeps_other_resources_out()
    {
        var timeline = await TimelineAsync("shop/web-1", resource: "configmaps");

        Assert.Empty(timeline.Entries);
    }

    [Theory]
    [InlineData("shop/web-1", "shop", "web-1", null)]
    [InlineData("node-1", null, "node-1", null)]
    [InlineData(ObjectTraces.Uid, null, null, ObjectTraces.Uid)]
    public void Objects_are_named_by_namespace_and_name_a_cluster_scoped_name_or_a_uid(string text, string? ns, string? name, string? uid) =>
        Assert.Equal(new ObjectRef(ns, name, uid), ObjectRef.Parse(text));

    [Theory]
    [InlineData("/registry/pods/shop/web-1", true)]
    [InlineData("/registry/apps/deployments/shop/web-1", true)]
    [InlineData("/registry/pods/shop/web-10", false)]
    [InlineData("/registry/pods/other/web-1", false)]
    [InlineData("/registry/a/b/c/shop/web-1", false)]
    public void Etcd_keys_of_the_object_are_recognised(string key, bool isKey) =>
        Assert.Equal(isKey, ObjectRef.Parse("shop/web-1").IsKey(key));
}
