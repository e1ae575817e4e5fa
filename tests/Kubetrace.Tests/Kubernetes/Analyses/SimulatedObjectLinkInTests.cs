using Kubetrace.Kubernetes.Analyses.Objects;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Storage;
using Kubetrace.Tests.Kubernetes.Simulation;
using Kubetrace.Tests.Storage;

namespace Kubetrace.Tests.Kubernetes.Analyses;

/// <summary>
/// The simulated kubelet GETs a starting pod's config map; the apiserver serves it as a trace of its own linked to
/// kubelet's client span (before 1.33 every caller is linked, from 1.33 every caller but system:masters). The
/// pod's timeline must hold exactly the traces that link into its sync, whatever the version.
/// </summary>
public sealed class SimulatedObjectLinkInTests
{
    [Theory]
    [InlineData("1.27")]
    [InlineData("1.34")]
    public async Task A_simulated_pods_timeline_holds_every_apiserver_request_its_sync_made(string version)
    {
        var simulated = SimulatedSpans.Run(new SimulationOptions
        {
            KubernetesVersion = KubernetesVersion.Parse(version), Duration = TimeSpan.FromSeconds(10), RequestsPerSecond = 30, Seed = 5,
        });
        var sync = simulated.Of("kubelet").First(s => s.Name == "syncPod");
        var pod = sync.Attr("k8s.pod")!;
        // The truth, from what the simulator sent: traces with a span linking to a span of the pod's sync.
        var linkingIn = simulated.Spans
            .Where(s => s.Span.Links.Any(l => l.TraceId == sync.Span.TraceId))
            .Select(s => TraceId.FromByteString(s.Span.TraceId).ToString()).ToHashSet();
        Assert.NotEmpty(linkingIn);

        await using var store = new TempStore();
        foreach (var batch in simulated.Batches) await store.AppendAsync(batch.Request);
        var timeline = await ObjectAnalysis.AnalyseAsync(store.Store, TimeRange.All, ObjectRef.Parse(pod), null, 200, CancellationToken.None);

        // Every one is on the timeline (the status PATCH names the pod; the config map GET only links in), and
        // nothing else joined by linking in.
        Assert.Superset(linkingIn, timeline.Traces.Select(t => t.TraceId).ToHashSet());
        Assert.Subset(linkingIn, timeline.Traces.Where(t => t.LinksIn).Select(t => t.TraceId).ToHashSet());
        var configMap = timeline.Entries.First(e => e.Operation == "Get configmaps" && linkingIn.Contains(e.TraceId));
        Assert.Equal(TimelineRelation.Link, configMap.Relation);
        Assert.StartsWith("under ", configMap.How, StringComparison.Ordinal);
        Assert.Contains(timeline.Entries, e => e.TraceId == configMap.TraceId && e.How.StartsWith("links to kubelet ", StringComparison.Ordinal));
    }
}
