using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;

namespace Kubetrace.Extensions.HealthCheck;

/// <summary>The Collector's <c>health_check</c> extension settings.</summary>
public sealed class HealthCheckConfig : IListeningConfig, IValidatableConfig
{
    public IEnumerable<ListenerSetting> Listeners => [new("endpoint", Endpoint, e => Endpoint = e)];

    public string Endpoint { get; set; } = "localhost:13133";

    public string Path { get; set; } = "/";

    /// <summary>TLS with the Collector's keys (probes then use <c>scheme: HTTPS</c>); null: plain text.</summary>
    public TlsServerConfig? Tls { get; set; }

    /// <summary>The Collector's <c>auth: authenticator:</c> (confighttp): probes must then send credentials (a
    /// Kubernetes httpGet probe can, through <c>httpHeaders</c>); null: anyone reaching the port may ask.</summary>
    public AuthenticationConfig? Auth { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };
        foreach (var problem in Auth?.Validate() ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
    }
}
