using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;

namespace Kubetrace.Tests.EndToEnd.Harness;

/// <summary>
/// The agent topology of <c>kubetrace k8s install</c> on one machine: an agent process and a gateway process whose
/// configurations are the ones the ConfigMaps carry (<see cref="CollectorConfigs"/>), with only what a pod has and
/// this machine has not replaced: the pod's listen addresses by free loopback ports, the gateway's Service name by
/// its port here, the data volume by a folder that outlives each process, and each credential volume (a Secret's,
/// a projected token's) by a folder holding the same file names. The test starts, kills and restarts each.
/// </summary>
/// <param name="request">The install's choices (default: the agent topology's defaults, plaintext).</param>
/// <param name="credentials">Each credential mount path of the pods (<c>/etc/kubetrace-tls</c>, ...) and the local folder standing in for it.</param>
internal sealed class LocalAgentTopology(InstallRequest? request = null, IReadOnlyList<(string Mount, string Folder)>? credentials = null) : IAsyncDisposable
{
    private readonly InstallRequest _request = request ?? new(InstallTopology.Agent, KubernetesVersion.Of(31));
    private readonly IReadOnlyList<(string Mount, string Folder)> _credentials = credentials ?? [];

    private readonly TempDirectory _folder = new();
    private int[] _agentPorts = []; // OTLP gRPC, OTLP HTTP, health, metrics
    private int[] _gatewayPorts = FreePorts.Take(6); // OTLP gRPC, OTLP HTTP, query, Tempo, health, metrics
    private KubetraceProcess? _agent;
    private KubetraceProcess? _gateway;

    public KubetraceProcess Agent => _agent ?? throw new InvalidOperationException("the agent is not running");

    public KubetraceProcess Gateway => _gateway ?? throw new InvalidOperationException("the gateway is not running");

    public Uri AgentGrpcEndpoint => new($"http://127.0.0.1:{_agentPorts[0]}");

    public Uri AgentHttpTracesUrl => new($"http://127.0.0.1:{_agentPorts[1]}/v1/traces");

    public Uri AgentMetricsUrl => new($"http://127.0.0.1:{_agentPorts[3]}/metrics");

    /// <summary>The query port: https when the install gives it a serving certificate.</summary>
    public Uri GatewayQueryUrl => new($"{(_request.Secure.TlsSecret is null ? "http" : "https")}://127.0.0.1:{_gatewayPorts[2]}");

    /// <summary>The gateway's OTLP/gRPC port, as the agents reach it.</summary>
    public int GatewayGrpcPort => _gatewayPorts[0];

    public Uri GatewayMetricsUrl => new($"http://127.0.0.1:{_gatewayPorts[5]}/metrics");

    /// <summary>Starts the agent on fresh ports and its own data folder (the same for every run), sending to the gateway's port.</summary>
    public async Task StartAgentAsync()
    {
        _agent = await FreePorts.StartOnFreshAsync(4, async ports =>
        {
            _agentPorts = ports;
            var config = await WriteAsync("agent.yaml", CollectorConfigs.Agent(_request), [
                ($"{ManifestNames.Gateway}.{_request.Namespace}.svc:{Ports.OtlpGrpc}", $"127.0.0.1:{_gatewayPorts[0]}"),
                .. LocalConfig.Listeners(LocalConfig.AgentPorts, ports),
                (CollectorConfigs.DataPath, _folder.File("agent-data"))]);
            return await KubetraceProcess.StartAsync(config, [("127.0.0.1", ports[0]), ("127.0.0.1", ports[1])]);
        });
        await _agent.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_agentPorts[2]}/"));
    }

    /// <summary>Starts a new agent process on the same data (the previous one must have exited).</summary>
    public async Task RestartAgentAsync()
    {
        if (_agent is not null) await _agent.DisposeAsync();
        _agent = null;
        await StartAgentAsync();
    }

    /// <summary>
    /// Starts the gateway on the port the agent sends to. That port was free when chosen but may have been taken
    /// since (the gateway was down meanwhile); then the gateway gets fresh ports and the agent is restarted
    /// (SIGTERM: its queue stays on disk) to send there.
    /// </summary>
    public async Task StartGatewayAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var config = await WriteAsync("gateway.yaml", CollectorConfigs.Store(_request), [
                    .. LocalConfig.Listeners(LocalConfig.StorePorts, _gatewayPorts),
                    (CollectorConfigs.DataPath, _folder.File("gateway-data"))]);
                _gateway = await KubetraceProcess.StartAsync(config, [("127.0.0.1", _gatewayPorts[0]), ("127.0.0.1", _gatewayPorts[2])]);
                await _gateway.WaitUntilHealthyAsync(new Uri($"http://127.0.0.1:{_gatewayPorts[4]}/"));
                return;
            }
            catch (Exception e) when (attempt < 4 && FreePorts.IsBindRace(e))
            {
                _gatewayPorts = FreePorts.Take(6);
                await Agent.StopCleanlyAsync();
                await RestartAgentAsync();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_agent is not null) await _agent.DisposeAsync();
        if (_gateway is not null) await _gateway.DisposeAsync();
        _folder.Dispose();
    }

    /// <summary>The config with the replacements, and each credential mount the config reads replaced by its folder.</summary>
    private async Task<string> WriteAsync(string name, string clusterConfig, IEnumerable<(string Cluster, string Local)> replacements)
    {
        var path = _folder.File(name);
        var mounts = _credentials.Where(c => clusterConfig.Contains(c.Mount + "/", StringComparison.Ordinal)).Select(c => (c.Mount + "/", c.Folder + "/"));
        await File.WriteAllTextAsync(path, LocalConfig.From(clusterConfig, [.. replacements, .. mounts]));
        return path;
    }
}
