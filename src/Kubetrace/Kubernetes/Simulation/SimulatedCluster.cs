using System.Security.Cryptography;
using System.Text;
using ApiserverSpanNames = Kubetrace.Kubernetes.Catalog.ApiserverSpans;

namespace Kubetrace.Kubernetes.Simulation;

/// <summary>
/// The cluster being simulated: its exporting components, nodes, namespaces, workloads and the identities that
/// call the apiserver. Built from the options alone (no randomness), so names are the same for every seed.
/// </summary>
internal sealed class SimulatedCluster
{
    private static readonly string[] NamespaceNames = ["default", "shop", "payments", "data", "monitoring", "ci", "web", "search"];

    /// <summary>The workloads whose pods start; each pod runs its image and the injected sidecar.</summary>
    public static readonly IReadOnlyList<(string App, string Image)> Workloads =
    [
        ("frontend", "registry.example.com/shop/frontend:1.4.2"),
        ("api", "registry.example.com/shop/api:2.8.0"),
        ("worker", "ghcr.io/example/worker:0.9.1"),
        ("cache", "docker.io/library/redis:7.2.5"),
        ("batch", "registry.example.com/data/batch:3.1.0"),
    ];

    public const string SidecarImage = "registry.example.com/mesh/proxy:1.22.3";

    private readonly List<SimulatedComponent> _components = [];

    public SimulatedCluster(SimulationOptions options)
    {
        Apiserver = Add("apiserver", null, false, ("service.instance.id", ApiserverId("control-plane-1")));
        Etcd = Add("etcd", null, false);
        var containerdVersion = options.EffectiveContainerd;
        for (var i = 1; i <= options.Nodes; i++)
        {
            var node = $"worker-{i}";
            var ip = $"10.0.{i / 250}.{10 + i % 250}";
            var kubelet = Add("kubelet", node, hostName: true);
            // Only containerd 1.7.0–1.7.15 send host.name: elsewhere its nodes' spans share one resource.
            var containerd = Add("containerd", node, containerdVersion.HostName, ContainerdWriter.ResourceAttributes(containerdVersion));
            Nodes.Add(new SimulatedNode(node, ip, kubelet, containerd,
                new ApiCaller($"system:node:{node}", $"kubelet/v{options.KubernetesVersion}.0 (linux/amd64) kubernetes/sim", ip,
                    ApiCaller.ProtobufAccept, false, kubelet)));
        }
        var deployer = Add("platform-deployer", null, false);
        var operatorComponent = Add("config-operator", null, false);
        Deployer = new ApiCaller("admin", "platform-deployer/1.8.0", "10.0.200.5", ApiCaller.JsonAccept, true, deployer);
        Operator = new ApiCaller("system:serviceaccount:operators:config-operator", "config-operator/0.12.1", "10.244.1.17",
            ApiCaller.JsonAccept, false, operatorComponent);
        // An extension API server built on k8s.io/apiserver reports service.name "apiserver" too; only its instance id differs.
        MetricsServer = Add(ApiserverSpanNames.Component, null, false, ("service.instance.id", ApiserverId(AggregatedApi.MetricsServer.Host)));
        Loopback = new ApiCaller(ApiserverSpanNames.LoopbackUser, $"kube-apiserver/v{options.KubernetesVersion}.0 (linux/amd64) kubernetes/sim", "127.0.0.1",
            ApiCaller.ProtobufAccept, true, Apiserver);
        for (var i = 0; i < options.Namespaces; i++)
            Namespaces.Add(i < NamespaceNames.Length ? NamespaceNames[i] : $"team-{i - NamespaceNames.Length + 1}");
    }

    public SimulatedComponent Apiserver { get; }

    public SimulatedComponent Etcd { get; }

    /// <summary>The extension API server behind metrics.k8s.io (<see cref="AggregatedApi.MetricsServer"/>).</summary>
    public SimulatedComponent MetricsServer { get; }

    /// <summary>The apiserver's loopback client: system:apiserver in system:masters, traced by the apiserver itself.</summary>
    public ApiCaller Loopback { get; }

    public List<SimulatedNode> Nodes { get; } = [];

    public List<string> Namespaces { get; } = [];

    public IReadOnlyList<SimulatedComponent> Components => _components;

    /// <summary>A traced deployment tool in system:masters: from 1.33 the apiserver adopts its span as parent.</summary>
    public ApiCaller Deployer { get; }

    /// <summary>A traced operator with a service account: its calls are linked, never adopted.</summary>
    public ApiCaller Operator { get; }

    public static readonly ApiCaller ControllerManager = new("system:kube-controller-manager",
        "kube-controller-manager/v1 (linux/amd64) kubernetes/sim/system:serviceaccount:kube-system:replicaset-controller",
        "10.0.0.2", ApiCaller.ProtobufAccept, false, null);

    public static readonly ApiCaller Scheduler = new("system:kube-scheduler", "kube-scheduler/v1 (linux/amd64) kubernetes/sim/scheduler",
        "10.0.0.2", ApiCaller.ProtobufAccept, false, null);

    public static readonly ApiCaller Kubectl = new("jane@example.com", "kubectl/v1 (linux/amd64) kubernetes/sim", "192.168.10.23",
        ApiCaller.JsonAccept, false, null);

    /// <summary>An untraced agent that watches events cluster-wide (events have no watch cache: its watch reaches etcd).</summary>
    public static readonly ApiCaller EventExporter = new("system:serviceaccount:monitoring:event-exporter", "event-exporter/1.7.0 (linux/amd64)",
        "10.244.2.33", ApiCaller.JsonAccept, false, null);

    /// <summary>The flow the apf-throttling scenario throttles: a CI job that lists pods in a loop.</summary>
    public static readonly ApiCaller LoadTester = new("system:serviceaccount:ci:load-tester", "load-tester/0.3.0 (linux/amd64)",
        "10.244.3.41", ApiCaller.JsonAccept, false, null);

    private SimulatedComponent Add(string service, string? node, bool hostName, params (string, string)[] attributes)
    {
        var component = new SimulatedComponent(_components.Count, service, node, hostName, attributes);
        _components.Add(component);
        return component;
    }

    /// <summary>
    /// kube-apiserver's identity (its service.instance.id): "apiserver-" and the lower-case unpadded base32 of the
    /// first 16 bytes of SHA-256 over the length-prefixed host name and "kube-apiserver" (pkg/server/config.go).
    /// </summary>
    public static string ApiserverId(string hostname)
    {
        var data = new List<byte>();
        foreach (var part in new[] { hostname, "kube-apiserver" })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            data.Add((byte)(bytes.Length >> 8));
            data.Add((byte)bytes.Length);
            data.AddRange(bytes);
        }
        return "apiserver-" + Base32(SHA256.HashData(data.ToArray())[..16]);
    }

    private static string Base32(byte[] bytes)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz234567";
        var text = new StringBuilder();
        int buffer = 0, bits = 0;
        foreach (var b in bytes)
        {
            buffer = buffer << 8 | b;
            bits += 8;
            while (bits >= 5)
            {
                text.Append(alphabet[buffer >> (bits - 5) & 31]);
                bits -= 5;
            }
        }
        if (bits > 0) text.Append(alphabet[buffer << (5 - bits) & 31]); // unpadded base32 keeps the last partial group
        return text.ToString();
    }
}

/// <summary>One node: its kubelet and containerd, and the kubelet's identity towards the apiserver.</summary>
internal sealed record SimulatedNode(string Name, string Ip, SimulatedComponent Kubelet, SimulatedComponent Containerd, ApiCaller Caller);
