using System.Net;
using Grpc.Core;
using Grpc.Net.Client;
using Kubetrace.Otlp.Proto.Collector;
using Kubetrace.Pipeline;
using Kubetrace.Tests.Storage;
using Kubetrace.Tests.TestSupport;

namespace Kubetrace.Tests.Api.Tenancy;

/// <summary>Under <c>multitenancy_enabled</c> each export names its tenant, over OTLP/HTTP and OTLP/gRPC, or is refused as Tempo refuses it.</summary>
public abstract class TenantIngestSuite<TServer>(TServer server) : IClassFixture<TServer> where TServer : TenantQueryServer
{
    private static ExportTraceServiceRequest OneSpan(int trace) => Spans.Request(Spans.Resource("ingest-test", Spans.Span(trace, 1, 0, "op")));

    [Fact]
    public async Task Http_without_X_Scope_OrgID_is_401_no_org_id_and_stores_nothing()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, await server.PostAsync(null, OneSpan(0x1101)));
        Assert.Equal(HttpStatusCode.BadRequest, await server.PostAsync("acme|globex", OneSpan(0x1102)));
        Assert.Equal(HttpStatusCode.BadRequest, await server.PostAsync("../acme", OneSpan(0x1103)));
        Assert.False(await server.HasStoreAsync("..acme"));
    }

    [Fact]
    public async Task Grpc_without_x_scope_orgid_metadata_is_UNAUTHENTICATED_no_org_id_and_with_it_lands_in_that_tenant()
    {
        using var channel = GrpcChannel.ForAddress(server.GrpcReceiverUrl);
        var client = new TraceService.TraceServiceClient(channel);

        var refused = await Assert.ThrowsAsync<RpcException>(async () => await client.ExportAsync(OneSpan(0x1201)));
        Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
        Assert.Equal(Tenants.NoOrgId, refused.Status.Detail);

        await client.ExportAsync(OneSpan(0x1202), new Metadata { { Tenants.MetadataKey, "wayne" } });

        using var wayne = TenantQueryServer.As("wayne");
        using var acme = TenantQueryServer.As(TenantQueryServer.Acme);
        var url = $"{server.QueryUrl}/api/v1/traces/{0x1202:x32}";
        await Wait.UntilAsync(async () => (await wayne.GetAsync(url)).StatusCode == HttpStatusCode.OK, "wayne's span is stored");
        Assert.Equal(HttpStatusCode.NotFound, (await acme.GetAsync(url)).StatusCode);
        Assert.True(await server.HasStoreAsync("wayne"));
    }
}

public sealed class TenantIngestTests(IsolatedTenants server) : TenantIngestSuite<IsolatedTenants>(server);

public sealed class TenantIngestOnClickHouseTests(IsolatedTenantsOnClickHouse server) : TenantIngestSuite<IsolatedTenantsOnClickHouse>(server);
