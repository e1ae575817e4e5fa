using Kubetrace.Kubernetes.Simulation;
using SpanKind = Kubetrace.Otlp.Proto.Trace.Span.Types.SpanKind;

namespace Kubetrace.Tests.Kubernetes.Simulation;

/// <summary>The kubelet's side beyond pod starts: image status checks, pod termination, garbage collection and its HTTP server.</summary>
public sealed class KubeletLifecycleTests
{
    private static readonly SimulatedSpans Simulated = SimulatedSpans.Run(new SimulationOptions
    {
        KubernetesVersion = new KubernetesVersion(1, 34), RequestsPerSecond = 40, Duration = TimeSpan.FromSeconds(75), Nodes = 2,
    });

    private static List<string> Children(EmittedSpan span) =>
        Simulated.Spans.Where(s => s.TraceId == span.TraceId && s.ParentId == span.SpanId).OrderBy(s => s.Span.StartTimeUnixNano).Select(s => s.Name).ToList();

    [Fact]
    public void Each_pull_is_preceded_by_an_image_status_check_of_the_same_image()
    {
        var sync = Simulated.Of("kubelet").First(s => s.Name == "syncPod");

        var cri = Children(sync).Where(n => n.StartsWith("runtime.v1.", StringComparison.Ordinal)).Select(n => n[(n.IndexOf('/') + 1)..]).ToList();

        Assert.Equal(["RunPodSandbox", "ImageStatus", "PullImage", "CreateContainer", "StartContainer", "ImageStatus", "PullImage", "CreateContainer", "StartContainer"], cri);
        // containerd 1.7 names the missing image only in the event it adds (pkg/cri/server/image_status.go: span.AddEvent(err.Error())).
        var statuses = Simulated.Of("containerd").Where(s => s.Name == "pkg.cri.server.ImageStatus").SelectMany(s => s.Span.Events).Select(e => e.Name).ToHashSet();
        Assert.Contains($"image \"{SimulatedCluster.SidecarImage}\": not found", statuses);
    }

    [Fact]
    public void A_deleted_pod_is_terminated_by_its_kubelet_which_reports_its_status_in_a_linked_trace()
    {
        var terminating = Simulated.Of("kubelet").Where(s => s.Name == "syncTerminatingPod").ToList();
        var terminated = Simulated.Of("kubelet").Where(s => s.Name == "syncTerminatedPod").ToDictionary(s => s.Attr("k8s.pod.uid")!);

        Assert.NotEmpty(terminating);
        Assert.All(terminating, t =>
        {
            // Both containers are stopped (in parallel) before the sandbox.
            Assert.Equal(["runtime.v1.RuntimeService/StopContainer", "runtime.v1.RuntimeService/StopContainer", "runtime.v1.RuntimeService/StopPodSandbox"],
                Children(t));
            var stops = Simulated.Spans.Where(s => s.TraceId == t.TraceId && s.ParentId == t.SpanId).ToList();
            Assert.True(stops[2].Span.StartTimeUnixNano > Math.Max(stops[0].Span.EndTimeUnixNano, stops[1].Span.EndTimeUnixNano));
            Assert.True(terminated[t.Attr("k8s.pod.uid")!].Span.StartTimeUnixNano > t.Span.EndTimeUnixNano);
        });
        var patches = Simulated.Of("kubelet").Where(s => s.Name == "HTTP PATCH" && s.Span.ParentSpanId.IsEmpty).ToList();
        Assert.True(patches.Count >= terminating.Count);
        var linkedFrom = Simulated.Of("apiserver").Where(s => s.Kind == SpanKind.Server).SelectMany(s => s.Span.Links).Select(l => l.SpanId).ToHashSet();
        Assert.All(patches, p => Assert.Contains(p.Span.SpanId, linkedFrom));
    }

    [Fact]
    public void The_dead_containers_of_a_deleted_pod_are_removed_in_traces_of_their_own_with_containerds_span_under_each()
    {
        var removals = Simulated.Of("kubelet").Where(s => s.Name == "runtime.v1.RuntimeService/RemoveContainer").ToList();
        var terminations = Simulated.Of("kubelet").Count(s => s.Name == "syncTerminatingPod");

        // Two containers per pod; a pod deleted near the window's end may not have been cleaned up yet.
        Assert.InRange(removals.Count, 2 * terminations - 2, 2 * terminations);
        Assert.All(removals, r =>
        {
            Assert.True(r.Span.ParentSpanId.IsEmpty, "the pod container deletor calls with context.Background()");
            Assert.Equal(SpanKind.Client, r.Kind);
            var server = Assert.Single(Simulated.Spans, s => s.TraceId == r.TraceId && s.ParentId == r.SpanId);
            // containerd 1.7.16+ builds its resource from the environment: no host.name.
            Assert.Equal(("containerd", r.Name, null), (server.Service, server.Name, server.HostName));
        });
    }

    [Fact]
    public void Every_kubelet_collects_containers_each_minute_images_each_five_and_serves_stats_each_fifteen_seconds()
    {
        foreach (var node in new[] { "worker-1", "worker-2" })
        {
            var own = Simulated.Of("kubelet").Where(s => s.HostName == node && s.Span.ParentSpanId.IsEmpty).ToList();
            Assert.Equal(2, own.Count(s => s.Name == "Containers/GarbageCollect")); // 75 s: at its offset and a minute later
            Assert.Equal(1, own.Count(s => s.Name == "Images/GarbageCollect"));
            var scrapes = own.Where(s => s.Name == "/stats/summary").ToList();
            Assert.InRange(scrapes.Count, 4, 5);
            Assert.All(scrapes, s => Assert.Equal((SpanKind.Server, "/stats/summary", "200"), (s.Kind, s.Attr("http.route"), s.Attr("http.status_code"))));
        }
    }
}
