using Kubetrace.Kubernetes.Deploy;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// A configuration written for a cluster (a ConfigMap's, the image's) made runnable on this machine: each text a pod
/// has and this machine has not (a listen address, a Service name, the data volume) replaced by a local one.
/// </summary>
internal static class LocalConfig
{
    /// <summary>
    /// The config with each replacement made; a text that no longer occurs fails here, so a change of the cluster's
    /// config cannot leave a cluster address (or the real data path) in the local run.
    /// </summary>
    public static string From(string clusterConfig, IEnumerable<(string Cluster, string Local)> replacements)
    {
        var config = clusterConfig;
        foreach (var (cluster, local) in replacements)
        {
            Assert.True(config.Contains(cluster, StringComparison.Ordinal), $"the cluster's config no longer has {cluster}:\n{clusterConfig}");
            config = config.Replace(cluster, local, StringComparison.Ordinal);
        }
        return config;
    }

    /// <summary>The store's listeners (OTLP gRPC, OTLP HTTP, query, Tempo, health, metrics), in the order of <see cref="Listeners"/>' ports.</summary>
    public static readonly int[] StorePorts = [Ports.OtlpGrpc, Ports.OtlpHttp, Ports.Query, Ports.Tempo, Ports.Health, Ports.Metrics];

    /// <summary>The agent's listeners (OTLP gRPC, OTLP HTTP, health, metrics).</summary>
    public static readonly int[] AgentPorts = [Ports.OtlpGrpc, Ports.OtlpHttp, Ports.Health, Ports.Metrics];

    /// <summary>Each all-interfaces listener of a pod (<c>":4317"</c>) made the loopback port at the same index.</summary>
    public static IEnumerable<(string Cluster, string Local)> Listeners(int[] clusterPorts, int[] localPorts) =>
        clusterPorts.Zip(localPorts, (cluster, local) => ($"\":{cluster}\"", $"127.0.0.1:{local}"));
}
