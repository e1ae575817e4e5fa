namespace Kubetrace.Bench.Workload;

/// <summary>The instrumentation scope names the Kubernetes components report (docs/catalog.md).</summary>
internal static class InstrumentationScopes
{
    public const string OtelHttp = "go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp";
    public const string OtelGrpc = "go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc";
    public const string ComponentBase = "k8s.io/component-base/tracing";
    public const string FilterLatency = "k8s.op/apiserver/pkg/endpoints/filterlatency";
    public const string Kubelet = "k8s.io/kubernetes/pkg/kubelet";
}
