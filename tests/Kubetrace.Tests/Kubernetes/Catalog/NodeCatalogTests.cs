using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Kubernetes.Simulation;
using Kubetrace.Tests.Kubernetes.Simulation;

namespace Kubetrace.Tests.Kubernetes.Catalog;

/// <summary>
/// The simulator's kubelet and containerd output, release by release, is what the catalog says those releases
/// emit: every span a shape of its release (name, kind, scope), its attribute keys the shape's (required ones
/// present), its events the shape's, containerd's resource the release's; and the shapes that tell releases apart
/// are there. (The kubelet's apiserver calls, HTTP server and container GC are outside the node catalog so far.)
/// </summary>
public sealed class NodeCatalogTests
{
    public static TheoryData<string, string> Releases => new()
    {
        { "1.27", "1.6.20" }, { "1.29", "1.7.13" }, { "1.34", "1.7.5" }, { "1.34", "1.7.20" }, { "1.36", "2.0.0" }, { "1.36", "2.1.0" }, { "1.36", "2.3.0" },
    };

    private static readonly string[] PodWorkerSpans = [KubeletNames.SyncPod, KubeletNames.SyncTerminatingPod, KubeletNames.SyncTerminatedPod];

    private static SimulatedSpans Simulate(string kubernetes, string containerd) => SimulatedSpans.Run(new SimulationOptions
    {
        KubernetesVersion = KubernetesVersion.Parse(kubernetes),
        Containerd = ContainerdVersion.TryParse(containerd, out var c) ? c : throw new ArgumentException(containerd),
        Scenarios = SimulationScenario.ImagePullSlow, RequestsPerSecond = 40, Duration = TimeSpan.FromSeconds(40), Nodes = 2,
    });

    [Theory]
    [MemberData(nameof(Releases))]
    public void Every_kubelet_and_containerd_span_is_a_catalog_shape_of_its_release(string kubernetes, string containerd)
    {
        var simulated = Simulate(kubernetes, containerd);
        var kubelet = ComponentRelease.Kubernetes(KubernetesVersion.Parse(kubernetes).Minor);
        Assert.True(ComponentRelease.TryParse(ReleaseLine.Containerd, containerd, out var runtime));
        var node = simulated.Spans.Where(s => s.Service == "containerd" ||
                                              (s.Service == "kubelet" && (PodWorkerSpans.Contains(s.Name) || s.Name.StartsWith("runtime.v1.", StringComparison.Ordinal))))
            .ToList();

        Assert.NotEmpty(node);
        var problems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var span in node)
        {
            var release = span.Service == "kubelet" ? kubelet : runtime;
            var shape = SpanCatalog.SpansOf(span.Service, release).FirstOrDefault(s => Matches(s, span));
            if (shape is null)
            {
                problems.Add($"{span.Service} {release}: no shape for {span.Kind} {span.Name} ({span.Scope})");
                continue;
            }
            var allowed = shape.AttributesIn(release).ToList();
            foreach (var key in span.AttributeKeys.Except(allowed.Select(a => a.Key)))
                problems.Add($"{span.Name} {release}: attribute {key} is not in the catalog");
            foreach (var missing in allowed.Where(a => !a.Optional).Select(a => a.Key).Except(span.AttributeKeys))
                problems.Add($"{span.Name} {release}: catalog attribute {missing} missing");
            foreach (var e in span.Span.Events)
            {
                var eventShape = shape.EventsIn(release).FirstOrDefault(x => x.Name == e.Name || x.Name.StartsWith('<'));
                if (eventShape is null) problems.Add($"{span.Name} {release}: event {e.Name} is not in the catalog");
                else if (e.Attributes.Select(a => a.Key).Except(eventShape.AttributeKeys).FirstOrDefault() is { } key)
                    problems.Add($"{span.Name} {release}: event {e.Name} attribute {key} is not in the catalog");
            }
        }
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(Releases))]
    public void Containerds_resource_is_its_releases(string kubernetes, string containerd)
    {
        var simulated = Simulate(kubernetes, containerd);
        Assert.True(ComponentRelease.TryParse(ReleaseLine.Containerd, containerd, out var runtime));
        var expected = SpanCatalog.TracingOf("containerd", runtime)!.Resource.Select(a => a.Key).Order(StringComparer.Ordinal);

        var resources = simulated.Batches.Where(b => b.Service == "containerd")
            .Select(b => string.Join(",", b.Request.ResourceSpans[0].Resource.Attributes.Select(a => a.Key).Order(StringComparer.Ordinal))).ToHashSet();

        Assert.Equal([string.Join(",", expected)], resources);
    }

    [Theory]
    [InlineData("1.27", "1.6.20", new string[0], new[] { ContainerdNames.Pull, ContainerdNames.FetchLayer, ContainerdNames.CriPullImage })]
    [InlineData("1.34", "1.7.20", new[] { ContainerdNames.CriPullImage, ContainerdNames.Fetch, ContainerdNames.FetchLayer, ContainerdNames.UnpackLayer, ContainerdNames.RegistryRequest },
        new[] { ContainerdNames.NewTask, ContainerdNames.TaskStart })]
    [InlineData("1.36", "2.0.0", new[] { ContainerdNames.Pull, ContainerdNames.Fetch, ContainerdNames.FetchLayer, ContainerdNames.NewTask, ContainerdNames.TaskStart, ContainerdNames.NewContainer },
        new[] { ContainerdNames.CriPullImage, ContainerdNames.CriImageStatus })]
    [InlineData("1.36", "2.1.0", new[] { ContainerdNames.FetchLayer, ContainerdNames.UnpackLayer, ContainerdNames.NewTask, ContainerdNames.TaskKill },
        new[] { ContainerdNames.Pull, ContainerdNames.Fetch, ContainerdNames.CriPullImage })]
    public void The_shapes_that_tell_releases_apart_are_there_and_no_CRI_call_has_a_grpc_hop_inside_containerd(
        string kubernetes, string containerd, string[] present, string[] absent)
    {
        var names = Simulate(kubernetes, containerd).Of("containerd").Select(s => s.Name).ToHashSet();

        Assert.Subset(names, present.ToHashSet());
        Assert.Empty(names.Intersect(absent));
        Assert.DoesNotContain(names, n => n.StartsWith("containerd.services.", StringComparison.Ordinal));
    }

    [Fact]
    public void Kubelet_1_28_and_1_29_start_their_CRI_calls_as_roots_and_1_27_and_1_30_under_syncPod()
    {
        foreach (var (version, detached) in new[] { ("1.27", false), ("1.28", true), ("1.29", true), ("1.30", false) })
        {
            var simulated = Simulate(version, "1.7.20");
            var starts = simulated.Of("kubelet").Where(s => s.Name == "runtime.v1.RuntimeService/RunPodSandbox").ToList();
            Assert.NotEmpty(starts);
            Assert.All(starts, s => Assert.Equal(detached, s.Span.ParentSpanId.IsEmpty));
        }
    }

    private static bool Matches(SpanShape shape, EmittedSpan span) =>
        shape.Kind == span.Kind && shape.Scope == span.Scope &&
        (shape.Name == span.Name || (shape.Name.StartsWith('<') && span.Name.StartsWith("runtime.v1.", StringComparison.Ordinal)));
}
