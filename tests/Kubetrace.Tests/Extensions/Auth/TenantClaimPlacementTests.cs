using Kubetrace.Api.Extension;
using Kubetrace.Extensions.Auth;
using Kubetrace.Extensions.HealthCheck;
using Kubetrace.Receivers.Otlp;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// <c>auth.tenant_claim</c> names a write's tenant, so only an otlp receiver's listener reads it; set on a listener
/// that would ignore it, it is refused at the key rather than give the impression of a tenant check that is not made.
/// </summary>
public class TenantClaimPlacementTests
{
    private static AuthenticationConfig WithClaim() => new() { Authenticator = "oidc", TenantClaim = "tenant" };

    [Fact]
    public void An_otlp_receivers_grpc_and_http_listeners_take_a_tenant_claim()
    {
        Assert.DoesNotContain(new GrpcServerConfig { Auth = WithClaim() }.Validate(), p => p.Key.Contains("tenant_claim"));
        Assert.DoesNotContain(new HttpServerConfig { Auth = WithClaim() }.Validate(), p => p.Key.Contains("tenant_claim"));
    }

    [Fact]
    public void The_query_port_and_health_check_refuse_a_tenant_claim_naming_the_key()
    {
        var query = Assert.Single(new KubetraceQueryConfig { Auth = WithClaim() }.Validate(), p => p.Key == "auth.tenant_claim");
        var health = Assert.Single(new HealthCheckConfig { Auth = WithClaim() }.Validate(), p => p.Key == "auth.tenant_claim");

        Assert.Contains("is read only on an otlp receiver's grpc or http listener", query.Message);
        Assert.Equal(query.Message, health.Message);
    }
}
