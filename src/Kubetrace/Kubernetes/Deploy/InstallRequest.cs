using System.Net;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Kubernetes.Deploy;

/// <summary>
/// What <c>kubetrace k8s install</c> (and the Helm chart's values) choose. Every default is what the chart's
/// <c>values.yaml</c> holds, so that the two give the same objects.
/// </summary>
/// <param name="ServiceIp">
/// The fixed ClusterIP of the Service the cluster's components send to. kube-apiserver, the kubelet, etcd and
/// containerd run on the host network without cluster DNS, so they need an address known before the Service
/// exists; the default is inside kubeadm's default Service range (10.96.0.0/12).
/// </param>
/// <param name="StorageSize">The embedded store's volume; its <c>max_disk_size</c> is 90% of it.</param>
/// <param name="SamplingRatePerMillion">New traces the components start per million (etcd: 0, it follows the apiserver).</param>
public sealed record InstallRequest(
    InstallTopology Topology,
    KubernetesVersion KubernetesVersion,
    string Namespace = "kubetrace",
    string Image = InstallRequest.DefaultImage,
    string ServiceIp = "10.96.0.50",
    string StorageSize = "10Gi",
    string? StorageClass = null,
    string Retention = "72h",
    int SamplingRatePerMillion = 100,
    WorkloadResources? AgentResources = null,
    WorkloadResources? StoreResources = null,
    InstallSecurity? Security = null)
{
    public const string DefaultImage = "localhost/kubetrace:0.1.0";

    /// <summary>The first release this command writes for: Pod Security admission is GA (1.25) and the kubelet can trace.</summary>
    public static readonly KubernetesVersion OldestSupported = KubernetesVersion.Of(25);

    public WorkloadResources Agent => AgentResources ?? WorkloadResources.AgentDefault;

    public WorkloadResources Store => StoreResources ?? WorkloadResources.StoreDefault;

    public InstallSecurity Secure => Security ?? InstallSecurity.Off;

    /// <summary>Where the components send: the fixed Service address and the OTLP/gRPC port.</summary>
    public string ComponentEndpoint => $"{ServiceIp}:{Ports.OtlpGrpc}";

    /// <summary>Why this request cannot be written, or null.</summary>
    public string? Problem()
    {
        if (KubernetesVersion < OldestSupported)
            return $"Kubernetes {KubernetesVersion} is older than {OldestSupported}, the first release with Pod Security admission GA and kubelet tracing";
        if (!IPAddress.TryParse(ServiceIp, out _)) return $"--service-ip \"{ServiceIp}\" is not an IP address";
        if (!KubernetesNames.IsDnsLabel(Namespace)) return $"--namespace \"{Namespace}\" is not a DNS label (lower case letters, digits and '-', at most 63)";
        if (!Quantity.IsStorageSize(StorageSize)) return $"--storage-size \"{StorageSize}\" is not a size such as 10Gi";
        if (!SamplingRate.IsValid(SamplingRatePerMillion))
            return $"--sampling-rate-per-million must be from 0 to {SamplingRate.PerMillionMax}, got {SamplingRatePerMillion}";
        return Secure.Problem(Topology);
    }
}

/// <summary>CPU and memory of one workload's container (Kubernetes quantities).</summary>
public sealed record WorkloadResources(string CpuRequest, string MemoryRequest, string MemoryLimit)
{
    /// <summary>An agent forwards with a bounded queue: little CPU, a small heap.</summary>
    public static readonly WorkloadResources AgentDefault = new("100m", "128Mi", "512Mi");

    /// <summary>The store keeps a head of up to 500,000 spans in memory and compacts blocks.</summary>
    public static readonly WorkloadResources StoreDefault = new("500m", "1Gi", "2Gi");
}

/// <summary>The ports Kubetrace listens on, the same in the image, the manifests and the chart.</summary>
public static class Ports
{
    public const int OtlpGrpc = 4317;
    public const int OtlpHttp = 4318;
    public const int Query = 16686;
    public const int Tempo = 3200;
    public const int Metrics = 8888;
    public const int Health = 13133;
}
