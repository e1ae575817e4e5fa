namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// An API group that kube-apiserver's aggregation layer proxies to an extension API server (an APIService backed
/// by a service): the group and version, the backend service, the address the proxy dials (the service's cluster
/// IP: the proxy's span records it, not the service name), and the extension server's host name (its instance id).
/// </summary>
internal sealed record AggregatedApi(string Group, string Version, string Service, string ServiceIp, int Port, string Host)
{
    public static readonly AggregatedApi MetricsServer =
        new("metrics.k8s.io", "v1beta1", "kube-system/metrics-server", "10.96.112.40", 443, "metrics-server-7d9f8c6b5-kx2vq");

    public string ServiceAddress => $"{ServiceIp}:{Port}";
}
