using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Storage;
using Kubetrace.Tests.Storage;
using static Kubetrace.Tests.Kubernetes.Analyses.LinkInTraces;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// <c>object</c> joins the traces that only link in: the apiserver requests kubelet's sync made for a pod's
/// secret and config map (and what those requests caused), found by the store's reverse link lookup.
/// </summary>
public sealed class ObjectLinkInTests
{
    private static readonly TimeRange FirstHour = new(Spans.StartNanos(0), Spans.StartNanos(3_600_000));

    private static string Hex(int trace) => KubeTraces.TraceHex(trace);

    private static async Task<ObjectTimeline> TimelineAsync(string target, bool flushed = false, int limit = 100)
    {
        await using var store = new TempStore();
        await store.AppendAsync(Build().Request());
        if (flushed) await store.Store.FlushHeadAsync();
        return await ObjectAnalysis.AnalyseAsync(store.Store, FirstHour, ObjectRef.Parse(target), null, limit, CancellationToken.None);
    }

    [Fact]
    public async Task The_pods_timeline_holds_the_requests_kubelet_made_for_it_and_what_those_caused()
    {
        var timeline = await TimelineAsync("shop/api-1");

        Assert.Equal(
            [(Hex(Sync), true, false), (Hex(SecretGet), false, true), (Hex(ConfigMapGet), false, true), (Hex(Authorizer), false, true)],
            timeline.Traces.Select(t => (t.TraceId, t.FoundByAttribute, t.LinksIn)));
        var secret = timeline.Entries.Where(e => e.TraceId == Hex(SecretGet)).ToList();
        Assert.Equal(["GET /api/v1/namespaces/{:namespace}/secrets/{:name}", "Get secrets", "Get etcd3 /registry/secrets/shop/api-token"],
            secret.Select(e => e.Operation));
        Assert.All(secret, e => Assert.Equal(TimelineRelation.Link, e.Relation));
        Assert.Equal($"links to kubelet HTTP GET (trace {Hex(Sync)})", secret[0].How);
        Assert.Equal("under GET /api/v1/namespaces/{:namespace}/secrets/{:name}", secret[1].How);
        Assert.Equal("aud-41", secret[1].AuditId);
        var call = timeline.Entries.Single(e => e.TraceId == Hex(Sync) && e.SpanId == $"{SecretCall:x16}");
        Assert.Equal($"under syncPod; linked from apiserver GET /api/v1/namespaces/{{:namespace}}/secrets/{{:name}} (trace {Hex(SecretGet)})", call.How);
        var authorizer = timeline.Entries.Single(e => e.TraceId == Hex(Authorizer));
        Assert.Equal(("authorizer", $"links to apiserver HTTP POST (trace {Hex(ConfigMapGet)})"), (authorizer.Component, authorizer.How));
        var starts = timeline.Entries.Select(e => e.StartUnixNano).ToList();
        Assert.Equal(starts.Order(), starts);
    }

    [Fact]
    public async Task Requests_for_another_pod_and_links_from_outside_the_range_stay_out()
    {
        var timeline = await TimelineAsync("shop/api-1");

        Assert.DoesNotContain(timeline.Traces, t => t.TraceId == Hex(OtherPodGet) || t.TraceId == Hex(OtherPodSync) || t.TraceId == Hex(Later));
    }

    [Fact]
    public async Task The_timeline_is_the_same_from_the_head_and_from_a_block()
    {
        var head = await TimelineAsync(Uid);
        var block = await TimelineAsync(Uid, flushed: true);

        Assert.Equal(head.Entries.Select(e => (e.TraceId, e.SpanId, e.How)), block.Entries.Select(e => (e.TraceId, e.SpanId, e.How)));
        Assert.Contains(block.Traces, t => t.TraceId == Hex(Authorizer));
    }

    [Fact]
    public async Task The_limit_bounds_the_traces_joined_per_hop_and_says_so()
    {
        var timeline = await TimelineAsync("shop/api-1", limit: 1);

        // The most recent of the two requests kubelet made (the config map's), and the authorizer it caused.
        Assert.Equal([Hex(Sync), Hex(ConfigMapGet), Hex(Authorizer)], timeline.Traces.Select(t => t.TraceId));
        Assert.Contains(timeline.Notes, n => n.StartsWith("1 or more traces link in to the timeline (hop 1)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_table_numbers_the_linked_in_traces_and_says_why_they_are_there_and_the_json_marks_them()
    {
        var timeline = await TimelineAsync("shop/api-1");
        var table = ObjectAnalysis.Table(timeline);
        var json = System.Text.Json.Nodes.JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(timeline, Kubetrace.Analysis.AnalysisJson.Options))!;

        Assert.Equal([false, true, true, true], json["traces"]!.AsArray().Select(t => t!["linksIn"]!.GetValue<bool>()));
        Assert.Contains($"T2 = {Hex(SecretGet)}: apiserver GET /api/v1/namespaces/{{:namespace}}/secrets/{{:name}} (links in: a request made by a trace above)", table.Notes);
    }
}
