using Kubetrace.Kubernetes.Catalog;
using Kubetrace.Otlp.Proto.Common;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>The instrumentation scopes the simulated components report spans under (the catalog, <see cref="Catalog.SpanCatalog"/>).</summary>
internal enum SimulatedScope
{
    OtelHttp,
    OtelGrpc,
    ComponentBase,
    FilterLatency,
    Kubelet,
    Containerd,
    Etcd,
    OtelRestful,
}

internal static class SimulatedScopes
{
    public const int Count = 8;

    private static readonly InstrumentationScope[] Scopes =
    [
        new() { Name = ApiserverSpans.OtelHttpScope },
        new() { Name = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc" },
        new() { Name = ApiserverSpans.ComponentBaseScope },
        new() { Name = ApiserverSpans.FilterLatencyScope },
        new() { Name = "k8s.io/kubernetes/pkg/kubelet" },
        new() { Name = "" }, // containerd's tracing.StartSpan uses otel.Tracer("")
        new() { Name = Catalog.EtcdNames.Scope },
        new() { Name = "go.opentelemetry.io/contrib/instrumentation/github.com/emicklei/go-restful/otelrestful" },
    ];

    /// <summary>The scope message, shared by every export: callers must not change it.</summary>
    public static InstrumentationScope Message(SimulatedScope scope) => Scopes[(int)scope];
}
