using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Otlp.Proto.Common;
using Kubetrace.Otlp.Proto.Resource;
using Kubetrace.Otlp.Proto.Trace;
using static Kubetrace.Bench.Workload.Attr;

namespace Kubetrace.Bench.Workload;

/// <summary>
/// Builds ExportTraceServiceRequests full of realistic Kubernetes control-plane traces: apiserver requests
/// (reads, lists, writes with webhooks) with their etcd calls, and kubelet pod starts with their containerd calls,
/// grouped by component (one ResourceSpans each) and instrumentation scope, as an agent batching the spans of one
/// control-plane node and one worker node would send them.
/// </summary>
internal sealed class KubernetesSpanMix(int attributesPerSpan, int seed)
{
    /// <summary>Trace shapes and how often each occurs (weights out of 100).</summary>
    private static readonly (int Weight, Action<TraceWriter> Write)[] Shapes =
    [
        (40, ApiserverTraces.Get),
        (10, ApiserverTraces.List),
        (10, ApiserverTraces.Create),
        (15, ApiserverTraces.Patch),
        (25, KubeletTraces.SyncPod),
    ];

    /// <summary>
    /// Builds request number <paramref name="variant"/> with exactly <paramref name="spanCount"/> spans whose
    /// times end around <paramref name="baseTimeNanos"/>. The same seed and variant give the same request.
    /// </summary>
    public ExportTraceServiceRequest Build(int spanCount, int variant, long baseTimeNanos)
    {
        var vocabulary = new ClusterVocabulary(new Random(unchecked(seed * 1_000_003 + variant)));
        var writer = new TraceWriter(vocabulary, baseTimeNanos);
        while (writer.Spans.Count < spanCount)
        {
            writer.BeginTrace();
            PickShape(vocabulary)(writer);
        }
        // Traces are written parents first, so cutting the last trace short never orphans a span.
        writer.Spans.RemoveRange(spanCount, writer.Spans.Count - spanCount);

        var request = new ExportTraceServiceRequest();
        foreach (var component in Enum.GetValues<K8sComponent>())
        {
            var resourceSpans = new ResourceSpans { Resource = ResourceOf(component, variant) };
            foreach (var draft in writer.Spans)
            {
                if (draft.Component != component) continue;
                AttributePadding.Pad(draft.Span, attributesPerSpan, vocabulary);
                ScopeOf(resourceSpans, draft.Scope).Spans.Add(draft.Span);
            }
            if (resourceSpans.ScopeSpans.Count > 0)
                request.ResourceSpans.Add(resourceSpans);
        }
        return request;
    }

    private static Action<TraceWriter> PickShape(ClusterVocabulary vocabulary)
    {
        var roll = vocabulary.Random.Next(100);
        foreach (var (weight, write) in Shapes)
        {
            if (roll < weight) return write;
            roll -= weight;
        }
        return Shapes[^1].Write;
    }

    private static ScopeSpans ScopeOf(ResourceSpans resourceSpans, string scope)
    {
        foreach (var existing in resourceSpans.ScopeSpans)
        {
            if (existing.Scope.Name == scope) return existing;
        }
        var created = new ScopeSpans { Scope = new InstrumentationScope { Name = scope, Version = "1.34.1" } };
        resourceSpans.ScopeSpans.Add(created);
        return created;
    }

    /// <summary>
    /// The resource attributes each component reports. Variants spread requests over three control-plane nodes
    /// and sixteen worker nodes, so a store sees several instances of every service.
    /// </summary>
    private static Resource ResourceOf(K8sComponent component, int variant)
    {
        var controlPlane = $"cp-{variant % 3 + 1}";
        var node = $"node-{variant % 16 + 1:00}";
        var resource = new Resource();
        switch (component)
        {
            case K8sComponent.Apiserver:
                resource.Attributes.Add(Str("service.name", "apiserver"));
                resource.Attributes.Add(Str("service.instance.id", $"apiserver-{controlPlane}-2kfo7yvq4rqsbnl2jzjxq3k6ya"));
                resource.Attributes.Add(Str("host.name", controlPlane));
                break;
            case K8sComponent.Etcd:
                resource.Attributes.Add(Str("service.name", "etcd"));
                resource.Attributes.Add(Str("service.instance.id", $"etcd-{controlPlane}"));
                resource.Attributes.Add(Str("host.name", controlPlane));
                break;
            case K8sComponent.Kubelet:
                resource.Attributes.Add(Str("service.name", "kubelet"));
                resource.Attributes.Add(Str("host.name", node));
                break;
            case K8sComponent.Containerd:
                resource.Attributes.Add(Str("service.name", "containerd"));
                resource.Attributes.Add(Str("host.name", node));
                break;
        }
        resource.Attributes.Add(Str("telemetry.sdk.language", "go"));
        resource.Attributes.Add(Str("telemetry.sdk.name", "opentelemetry"));
        resource.Attributes.Add(Str("telemetry.sdk.version", "1.35.0"));
        return resource;
    }
}
