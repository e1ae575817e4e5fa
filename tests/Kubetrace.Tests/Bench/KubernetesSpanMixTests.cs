using Kubetrace.Bench.Workload;
using Kubetrace.Otlp.Proto.Trace;

namespace Kubetrace.Tests.Bench;

public class KubernetesSpanMixTests
{
    private static readonly long Now = UnixNanos.Now();

    [Theory]
    [InlineData(100, 10)]
    [InlineData(500, 15)]
    [InlineData(1000, 20)]
    public void A_request_has_exactly_the_spans_and_attributes_asked_for(int spans, int attributes)
    {
        var request = new KubernetesSpanMix(attributes, seed: 7).Build(spans, variant: 0, Now);

        var all = AllSpans(request).ToList();
        Assert.Equal(spans, all.Count);
        Assert.All(all, s => Assert.Equal(attributes, s.Span.Attributes.Count));
        Assert.All(all, s => Assert.Equal(s.Span.Attributes.Count, s.Span.Attributes.Select(a => a.Key).Distinct().Count()));
    }

    [Fact]
    public void Spans_come_from_the_four_components_with_their_real_span_names()
    {
        var request = new KubernetesSpanMix(15, seed: 7).Build(1000, variant: 0, Now);

        var services = request.ResourceSpans.Select(r => r.Resource.Attributes.Single(a => a.Key == "service.name").Value.StringValue);
        Assert.Equal(["apiserver", "kubelet", "etcd", "containerd"], services);
        Assert.All(request.ResourceSpans, r => Assert.Contains(r.Resource.Attributes, a => a.Key == "host.name"));
        var names = AllSpans(request).Select(s => s.Span.Name).ToHashSet();
        Assert.Contains("GET /api/v1/namespaces/{:namespace}/pods/{:name}", names);
        Assert.Contains("authentication", names);
        Assert.Contains("Call mutating webhook", names);
        Assert.Contains("etcdserverpb.KV/Range", names);
        Assert.Contains("syncPod", names);
        Assert.Contains("runtime.v1.RuntimeService/RunPodSandbox", names);
    }

    [Fact]
    public void Every_parent_is_a_span_of_the_same_trace_in_the_same_request_and_times_nest()
    {
        var request = new KubernetesSpanMix(15, seed: 3).Build(500, variant: 1, Now);

        var spans = AllSpans(request).Select(s => s.Span).ToList();
        var byId = spans.ToDictionary(s => s.SpanId);
        Assert.Contains(spans, s => s.ParentSpanId.IsEmpty);
        foreach (var span in spans.Where(s => !s.ParentSpanId.IsEmpty))
        {
            var parent = byId[span.ParentSpanId];
            Assert.Equal(parent.TraceId, span.TraceId);
            Assert.True(span.StartTimeUnixNano >= parent.StartTimeUnixNano, $"{span.Name} starts before its parent {parent.Name}");
        }
        Assert.All(spans, s => Assert.True(s.EndTimeUnixNano > s.StartTimeUnixNano));
        Assert.All(spans, s => Assert.Equal(16, s.TraceId.Length));
        Assert.All(spans, s => Assert.Equal(8, s.SpanId.Length));
    }

    [Fact]
    public void Some_spans_are_errors_and_apiserver_traces_link_to_their_callers()
    {
        var request = new KubernetesSpanMix(15, seed: 7).Build(1000, variant: 0, Now);

        var spans = AllSpans(request).Select(s => s.Span).ToList();
        var errors = spans.Count(s => s.Status?.Code == Status.Types.StatusCode.Error);
        Assert.InRange(errors, 1, spans.Count / 10);
        var linked = spans.Where(s => s.Links.Count > 0).ToList();
        Assert.NotEmpty(linked);
        // A kubelet's status PATCH is the caller the next apiserver trace links to.
        var patchIds = spans.Where(s => s.Name == "HTTP PATCH").Select(s => s.SpanId).ToHashSet();
        Assert.Contains(linked, s => patchIds.Contains(s.Links[0].SpanId));
    }

    [Fact]
    public void The_same_seed_and_variant_build_the_same_request_and_other_variants_differ()
    {
        var mix = new KubernetesSpanMix(15, seed: 5);

        Assert.Equal(mix.Build(200, 2, Now), mix.Build(200, 2, Now));
        Assert.NotEqual(mix.Build(200, 2, Now), mix.Build(200, 3, Now));
    }

    internal static IEnumerable<(ResourceSpans Resource, Span Span)> AllSpans(global::Kubetrace.Otlp.Proto.Collector.ExportTraceServiceRequest request) =>
        from resource in request.ResourceSpans
        from scope in resource.ScopeSpans
        from span in scope.Spans
        select (resource, span);
}
