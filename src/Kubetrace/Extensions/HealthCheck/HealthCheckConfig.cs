using Kubetrace.Hosting;

namespace Kubetrace.Extensions.HealthCheck;

/// <summary>The Collector's <c>health_check</c> extension settings.</summary>
public sealed class HealthCheckConfig : IListeningConfig
{
    public IEnumerable<ListenerSetting> Listeners => [new("endpoint", Endpoint, e => Endpoint = e)];

    public string Endpoint { get; set; } = "localhost:13133";

    public string Path { get; set; } = "/";
}
