namespace Kubetrace.Bench.Workload;

/// <summary>The instrumentation scope names the Kubernetes components report (docs/catalog.md).</summary>
internal static class InstrumentationScopes
{
    public const string OtelHttp = Kubetrace.Kubernetes.Catalog.ApiserverSpans.OtelHttpScope;
    public const string OtelGrpc = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc";
    public const string ComponentBase = Kubetrace.Kubernetes.Catalog.ApiserverSpans.ComponentBaseScope;
    public const string FilterLatency = Kubetrace.Kubernetes.Catalog.ApiserverSpans.FilterLatencyScope;
    public const string Kubelet = "k8s.io/kubernetes/pkg/kubelet";
}
