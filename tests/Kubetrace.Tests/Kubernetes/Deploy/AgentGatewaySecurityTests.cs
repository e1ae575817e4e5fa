using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Kubernetes.Deploy;
using Kubetrace.Kubernetes.TracingConfig;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Tests.EndToEnd;
using Kubetrace.Tests.EndToEnd.Harness;
using Kubetrace.Tests.Extensions.Auth;
using Kubetrace.Tests.Receivers;
using OpenTelemetry.Exporter;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The agent → gateway hop of <c>k8s install --topology agent --tls-secret ... --agent-auth mtls|service-account-token</c>,
/// with the ConfigMaps' own configurations run as two processes and each mounted Secret (or projected token) made at
/// test time with the file names the pods see: a span sent to the agent reaches the gateway's store, read back over
/// the query port's TLS; a client with another CA's certificate, or another ServiceAccount's token, is refused.
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class AgentGatewaySecurityTests : IDisposable
{
    private const string Service = "agent-secured";
    private readonly TempDirectory _mounts = new();
    private readonly TestPki _pki = new();

    public void Dispose()
    {
        _pki.Dispose();
        _mounts.Dispose();
    }

    [Fact]
    public async Task Over_mTLS_a_span_reaches_the_gateway_and_a_certificate_of_another_CA_or_none_is_refused()
    {
        var request = new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31),
            Security: new InstallSecurity("kubetrace-tls", AgentAuthentication.Mtls, "kubetrace-agent-tls"));
        var agentSecret = Mount("agent", ("ca.crt", _pki.CaFile), ("tls.crt", _pki.Client.CertFile), ("tls.key", _pki.Client.KeyFile));
        await using var topology = new LocalAgentTopology(request, [ServingSecret(), (CredentialVolumes.GatewayCredentials, agentSecret)]);

        await AssertASpanArrivesAsync(topology);

        var foreign = await ExportToGatewayAsync(topology, _pki.Handler(_pki.ForeignClient), new Metadata());
        var none = await ExportToGatewayAsync(topology, _pki.Handler(), new Metadata());
        AssertRefusedInTheHandshake(foreign);
        AssertRefusedInTheHandshake(none);
        Assert.True(await topology.Gateway.WaitForLogAsync("client certificate \"CN=intruder\" is not valid against client_ca_file", TimeSpan.FromSeconds(30)),
            topology.Gateway.Describe());
        Assert.True(await topology.Gateway.WaitForLogAsync("no client certificate (client_ca_file requires one)", TimeSpan.FromSeconds(30)),
            topology.Gateway.Describe());
        Assert.Null(await ExportToGatewayAsync(topology, _pki.Handler(_pki.Client), new Metadata()));
    }

    [Fact]
    public async Task With_a_projected_ServiceAccount_token_a_span_reaches_the_gateway_and_another_accounts_token_is_refused()
    {
        using var issuer = new AuthWorld();
        var request = new InstallRequest(InstallTopology.Agent, KubernetesVersion.Of(31),
            Security: new InstallSecurity("kubetrace-tls", AgentAuthentication.ServiceAccountToken));
        var ownAccount = $"system:serviceaccount:{request.Namespace}:{ManifestNames.ServiceAccount}";
        Assert.Equal(AuthWorld.Issuer, request.Secure.ServiceAccountIssuer);
        Assert.Equal(AuthWorld.Audience, request.Secure.TokenAudience);
        var token = Mount("token", ("ca.crt", _pki.CaFile));
        await File.WriteAllTextAsync(Path.Combine(token, CredentialVolumes.TokenFile), issuer.Jwt(subject: ownAccount));
        var keys = Mount("jwks", (CredentialVolumes.JwksFile, issuer.JwksFile));
        await using var topology = new LocalAgentTopology(request,
            [ServingSecret(), (CredentialVolumes.GatewayCredentials, token), (CredentialVolumes.Jwks, keys)]);

        await AssertASpanArrivesAsync(topology);

        var otherAccount = await ExportToGatewayAsync(topology, _pki.Handler(),
            new Metadata { { "authorization", "Bearer " + issuer.Jwt(subject: "system:serviceaccount:default:default") } });
        var noToken = await ExportToGatewayAsync(topology, _pki.Handler(), new Metadata());
        Assert.Equal(StatusCode.Unauthenticated, otherAccount?.StatusCode);
        Assert.Contains($"claim \"sub\" is not \"{ownAccount}\"", otherAccount!.Status.Detail);
        Assert.Equal(StatusCode.Unauthenticated, noToken?.StatusCode);
    }

    /// <summary>Gateway then agent; one trace through the agent, read back from the gateway's store over TLS.</summary>
    private async Task AssertASpanArrivesAsync(LocalAgentTopology topology)
    {
        await topology.StartGatewayAsync();
        await topology.StartAgentAsync();
        using var sender = SdkTraceSender.Create(Service, OtlpExportProtocol.Grpc, topology.AgentGrpcEndpoint);

        var (acknowledged, failure) = await sender.SendTraceAsync(Service, 3);

        Assert.True(acknowledged is not null, failure);
        using var stored = new StoredTraces(topology.GatewayQueryUrl, handler: _pki.Handler());
        var wrong = await stored.NotExactlyOnceWithinAsync([acknowledged], TimeSpan.FromSeconds(60));
        Assert.True(wrong.Count == 0, $"not stored exactly once: {string.Join(", ", wrong)}\nagent:\n{topology.Agent.Describe()}\ngateway:\n{topology.Gateway.Describe()}");
    }

    /// <summary>
    /// A client certificate refused by the server surfaces in one of two ways, depending on timing: under TLS 1.2, or
    /// when the server's alert arrives before the client's first request, the connection never opens (Unavailable);
    /// under TLS 1.3 the client's side of the handshake is complete before the server checks its certificate, so the
    /// call may already be on its way when the server closes the connection (Internal, "Error starting gRPC call").
    /// Either way no call reached the pipeline; the gateway's log (asserted by the caller) says why.
    /// </summary>
    private static void AssertRefusedInTheHandshake(RpcException? refusal)
    {
        Assert.NotNull(refusal);
        Assert.True(refusal.StatusCode is StatusCode.Unavailable or StatusCode.Internal, refusal.ToString());
    }

    /// <summary>One Export straight to the gateway's OTLP/gRPC port; null when accepted, else the refusal.</summary>
    private static async Task<RpcException?> ExportToGatewayAsync(LocalAgentTopology topology, SocketsHttpHandler handler, Metadata headers)
    {
        using var channel = GrpcChannel.ForAddress($"https://127.0.0.1:{topology.GatewayGrpcPort}", new GrpcChannelOptions { HttpHandler = handler });
        try
        {
            await new TraceService.TraceServiceClient(channel).ExportAsync(SampleRequests.Valid(1), headers);
            return null;
        }
        catch (RpcException e)
        {
            return e;
        }
    }

    /// <summary>The gateway's serving Secret as a pod sees it: <c>tls.crt</c>, <c>tls.key</c>, <c>ca.crt</c>.</summary>
    private (string Mount, string Folder) ServingSecret() =>
        (CredentialVolumes.ServingTls, Mount("serving", ("tls.crt", _pki.Server.CertFile), ("tls.key", _pki.Server.KeyFile), ("ca.crt", _pki.CaFile)));

    /// <summary>A folder standing in for a mounted volume: each key a file copied from the test's material.</summary>
    private string Mount(string name, params (string Key, string From)[] files)
    {
        var folder = _mounts.File(name);
        Directory.CreateDirectory(folder);
        foreach (var (key, from) in files) File.Copy(from, Path.Combine(folder, key));
        return folder;
    }
}
