using Kubetrace.Extensions.Auth;
using Kubetrace.Tests.Receivers;

namespace Kubetrace.Tests.Hosting;

/// <summary>A listener reachable from other machines without TLS or authentication is named in a start-up warning; a loopback one is not.</summary>
public sealed class ExposureWarningTests
{
    [Fact]
    public async Task A_receiver_on_all_interfaces_without_tls_or_auth_warns_and_one_on_loopback_does_not()
    {
        var exposed = new TestSettings("otlp");
        await using (await RunningReceiver.StartAsync(c =>
                     {
                         c.Protocols.Grpc!.Endpoint = "0.0.0.0:0";
                         c.Protocols.Http!.Endpoint = "0.0.0.0:0";
                         c.Protocols.Http.Auth = new AuthenticationConfig { Authenticator = "bearertokenauth" };
                     }, exposed.Settings.LoggerFactory, WithBearerToken()))
        {
        }
        var local = new TestSettings("otlp");
        await using (await RunningReceiver.StartAsync(null, local.Settings.LoggerFactory))
        {
        }

        Assert.Contains(exposed.Log, l => l.StartsWith("Warning: Receiver otlp (OTLP/gRPC) listens on 0.0.0.0:0, reachable from other machines, with neither TLS nor authentication", StringComparison.Ordinal));
        Assert.Contains(exposed.Log, l => l.StartsWith("Warning: Receiver otlp (OTLP/HTTP) listens on 0.0.0.0:0, reachable from other machines, with no TLS", StringComparison.Ordinal));
        Assert.DoesNotContain(local.Log, l => l.StartsWith("Warning:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_health_check_on_all_interfaces_without_tls_or_auth_warns_and_one_on_loopback_does_not()
    {
        var exposed = new TestSettings("health_check");
        var local = new TestSettings("health_check");
        foreach (var (test, endpoint) in new[] { (exposed, "0.0.0.0:0"), (local, "127.0.0.1:0") })
        {
            var extension = new Kubetrace.Extensions.HealthCheck.HealthCheckFactory().Create(test.Settings,
                new Kubetrace.Extensions.HealthCheck.HealthCheckConfig { Endpoint = endpoint });
            await extension.StartAsync(CancellationToken.None);
            await extension.ShutdownAsync(CancellationToken.None);
        }

        Assert.Contains(exposed.Log, l => l.StartsWith("Warning: Extension health_check listens on 0.0.0.0:0, reachable from other machines, with neither TLS nor authentication", StringComparison.Ordinal));
        Assert.DoesNotContain(local.Log, l => l.StartsWith("Warning:", StringComparison.Ordinal));
    }

    private static Kubetrace.Components.ComponentDirectory WithBearerToken()
    {
        var settings = TestSettings.For("bearertokenauth");
        _ = new Kubetrace.Extensions.Auth.BearerToken.BearerTokenAuthenticator(settings, new() { Token = "t" });
        return settings.Directory;
    }
}
