using Kubetrace.Tests.EndToEnd;
using Kubetrace.Tests.EndToEnd.Harness;
using OpenTelemetry.Exporter;
using Xunit.Abstractions;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The agent → gateway path of <c>k8s install --topology agent</c>, with the ConfigMaps' own configurations run as
/// two processes on this machine: applications send to the agent while the gateway is down, the agent is SIGKILLed
/// in the middle of that and restarted, then the gateway comes up. Every span the agent acknowledged must reach the
/// gateway's store, and only once.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentGatewayPathTests(ITestOutputHelper output)
{
    private const int SpansPerTrace = 3;
    private const string Service = "agent-path";

    [Fact]
    public async Task Agent_SIGKILLed_while_the_gateway_is_down_forwards_every_acknowledged_span_once_when_it_comes_up()
    {
        await using var topology = new LocalAgentTopology();
        await topology.StartAgentAsync(); // the gateway is not running yet

        var traffic = AcknowledgedTraffic.Start(
            [
                SdkTraceSender.Create(Service, OtlpExportProtocol.Grpc, topology.AgentGrpcEndpoint),
                SdkTraceSender.Create(Service, OtlpExportProtocol.HttpProtobuf, topology.AgentHttpTracesUrl),
            ], Service, SpansPerTrace);
        var queuedAtKill = 0.0;
        var acknowledged = await KillMidStream.RunAsync(traffic, topology.Agent, Service, TimeSpan.FromSeconds(1), output, async agent =>
        {
            queuedAtKill = await ExporterQueueSize.ReadAsync(topology.AgentMetricsUrl);
            await agent.KillAsync();
        });

        await topology.RestartAgentAsync();
        var queuedAfterRestart = await ExporterQueueSize.ReadAsync(topology.AgentMetricsUrl);
        await topology.StartGatewayAsync();

        using var stored = new StoredTraces(topology.GatewayQueryUrl, TimeSpan.FromSeconds(30));
        var wrong = await stored.NotExactlyOnceWithinAsync(acknowledged, TimeSpan.FromSeconds(120));
        output.WriteLine($"{acknowledged.Count} traces acknowledged; agent queue: {queuedAtKill} spans at the kill, {queuedAfterRestart} after the restart");
        Assert.True(queuedAfterRestart > 0, $"the restarted agent's queue is empty ({queuedAtKill} at the kill): nothing came back from disk\n{topology.Agent.Describe()}");
        Assert.True(wrong.Count == 0, $"{wrong.Count} of {acknowledged.Count * SpansPerTrace} spans the agent acknowledged did not reach the gateway " +
            $"exactly once ({wrong.Count(w => w.EndsWith(": missing", StringComparison.Ordinal))} missing, the rest stored more than once) " +
            $"within 120 s, e.g. {string.Join(", ", wrong.Take(10))}\nagent:\n{topology.Agent.Describe()}\ngateway:\n{topology.Gateway.Describe()}");
        await topology.Agent.StopCleanlyAsync();
        await topology.Gateway.StopCleanlyAsync();
    }
}
