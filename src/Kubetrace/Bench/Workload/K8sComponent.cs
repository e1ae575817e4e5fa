namespace Kubetrace.Bench.Workload;

/// <summary>The Kubernetes components whose spans the benchmark mix contains; each becomes one ResourceSpans.</summary>
internal enum K8sComponent
{
    Apiserver,
    Kubelet,
    Etcd,
    Containerd,
}
