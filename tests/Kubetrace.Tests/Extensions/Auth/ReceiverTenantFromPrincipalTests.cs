using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Extensions.Auth;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Tests.Receivers;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// Under <c>multitenancy_enabled</c>, a receiver whose <c>auth</c> names a <c>tenant_claim</c> takes each export's
/// tenant from the authenticated sender (here basicauth's user, <c>sub</c>), over OTLP/HTTP and OTLP/gRPC: no header
/// is needed, a header may repeat the sender's tenant, and one naming another tenant is refused (403 /
/// PERMISSION_DENIED) before anything reaches the pipeline.
/// </summary>
public sealed class ReceiverTenantFromPrincipalTests : IDisposable
{
    private readonly AuthWorld _world = new();

    public void Dispose() => _world.Dispose();

    private Task<RunningReceiver> StartAsync() => RunningReceiver.StartAsync(c =>
    {
        c.Protocols.Grpc!.Auth = new AuthenticationConfig { Authenticator = "basicauth", TenantClaim = "sub" };
        c.Protocols.Http!.Auth = new AuthenticationConfig { Authenticator = "basicauth", TenantClaim = "sub" };
    }, directory: _world.Directory, multitenancy: true);

    private static string Alice => AuthWorld.BasicHeader("alice", "alice-password");

    [Theory]
    [InlineData(null, HttpStatusCode.OK, "alice")]
    [InlineData("alice", HttpStatusCode.OK, "alice")]
    [InlineData("bob", HttpStatusCode.Forbidden, null)]
    public async Task Over_http(string? header, HttpStatusCode expected, string? storedAs)
    {
        await using var receiver = await StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.TracesUrl) { Content = OtlpHttpClient.Protobuf(SampleRequests.Valid(2)) };
        request.Headers.TryAddWithoutValidation("Authorization", Alice);
        if (header is not null) request.Headers.Add(Tenants.HeaderName, header);

        using var response = await http.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal(storedAs is null ? [] : new[] { storedAs }, receiver.Consumer.Batches.Select(Tenants.Of));
        if (expected == HttpStatusCode.Forbidden)
            Assert.Contains("X-Scope-OrgID names tenant \"bob\", but the authenticated sender writes to tenant \"alice\" only",
                await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, StatusCode.OK, "alice")]
    [InlineData("alice", StatusCode.OK, "alice")]
    [InlineData("bob", StatusCode.PermissionDenied, null)]
    public async Task Over_grpc(string? header, StatusCode expected, string? storedAs)
    {
        await using var receiver = await StartAsync();
        using var channel = GrpcChannel.ForAddress(receiver.GrpcAddress);
        var client = new TraceService.TraceServiceClient(channel);
        var metadata = new Metadata { { "authorization", Alice } };
        if (header is not null) metadata.Add(Tenants.MetadataKey, header);

        var status = StatusCode.OK;
        try
        {
            await client.ExportAsync(SampleRequests.Valid(2), metadata);
        }
        catch (RpcException e)
        {
            status = e.StatusCode;
        }

        Assert.Equal(expected, status);
        Assert.Equal(storedAs is null ? [] : new[] { storedAs }, receiver.Consumer.Batches.Select(Tenants.Of));
    }
}
