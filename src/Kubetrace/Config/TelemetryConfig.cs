using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;

namespace Kubetrace.Config;

/// <summary><c>service.telemetry</c>: the service's own logs and metrics.</summary>
public sealed class TelemetryConfig : IValidatableConfig
{
    public TelemetryLogsConfig Logs { get; set; } = new();

    public TelemetryMetricsConfig Metrics { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate() =>
        Metrics.Validate().Select(p => p with { Key = p.Key.Length == 0 ? "metrics" : "metrics." + p.Key });

    /// <summary>
    /// The cross-reference <see cref="Validate"/> cannot see: the metrics endpoint's authenticator must be an extension
    /// the service runs. Checked at load, so that a misspelt ID is reported at its line, not when the service starts.
    /// </summary>
    public IEnumerable<ConfigProblem> CheckReferences(IReadOnlyCollection<ComponentId> extensions)
    {
        if (Metrics.Auth is not { } auth || !ComponentId.TryParse(auth.Authenticator, out var id, out _) || extensions.Contains(id)) yield break;
        yield return new ConfigProblem("metrics.auth.authenticator",
            $"\"{auth.Authenticator}\" is not listed in service::extensions: define the authenticator under extensions: and list it there");
    }
}

public sealed class TelemetryLogsConfig
{
    public TelemetryLogLevel Level { get; set; } = TelemetryLogLevel.Info;

    /// <summary><c>console</c> (one readable line per message) or <c>json</c> (one JSON object per line, for log pipelines).</summary>
    public TelemetryLogEncoding Encoding { get; set; } = TelemetryLogEncoding.Console;
}

public enum TelemetryLogEncoding
{
    Console,
    Json,
}

/// <summary>The Collector's (zap) level names.</summary>
public enum TelemetryLogLevel
{
    Debug,
    Info,
    Warn,
    Error,
}

/// <summary>
/// Where the Prometheus endpoint of the service's metrics listens: <c>address</c> (older Collector form) or one
/// <c>readers: [{ pull: { exporter: { prometheus: { host, port } } } }]</c> entry (newer form).
/// </summary>
public sealed class TelemetryMetricsConfig
{
    public const string DefaultAddress = "localhost:8888";

    public MetricsLevel Level { get; set; } = MetricsLevel.Normal;

    public string? Address { get; set; }

    public List<MetricReaderConfig> Readers { get; set; } = [];

    /// <summary>TLS on the metrics endpoint, with the Collector's server keys (a Kubetrace addition here); null: plain text.</summary>
    public TlsServerConfig? Tls { get; set; }

    /// <summary>The Collector's <c>auth: authenticator:</c>, as on every other listener: scrapers must then send
    /// credentials (Prometheus through <c>authorization:</c> or <c>basic_auth:</c>); null: anyone reaching the port may scrape.</summary>
    public AuthenticationConfig? Auth { get; set; }

    /// <summary>host:port to serve <c>/metrics</c> on, or null when metrics are off.</summary>
    public string? EffectiveAddress =>
        Level == MetricsLevel.None ? null
        : Readers.Count > 0 && Readers[0].Pull?.Exporter.Prometheus is { } prometheus ? $"{prometheus.Host}:{prometheus.Port}"
        : Address ?? DefaultAddress;

    /// <summary>The metrics endpoint as a listener (null when metrics are off), replaced where it was written.</summary>
    public ListenerSetting? Listener => EffectiveAddress is not { } address ? null
        : Readers.Count > 0 && Readers[0].Pull?.Exporter.Prometheus is { } prometheus
            ? new("service::telemetry::metrics::readers::0::pull::exporter::prometheus::host", address,
                e => prometheus.Host = EndpointAddress.TryParse(e, out var parsed, out _) ? parsed.Host : prometheus.Host)
            : new("service::telemetry::metrics::address", address, e => Address = e);

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Address is not null && Readers.Count > 0)
            yield return new ConfigProblem("address", "set either address or readers, not both");
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };
        foreach (var problem in Auth?.Validate() ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
        if (Readers.Count > 1)
            yield return new ConfigProblem("readers", "Kubetrace serves its metrics on one endpoint; give a single reader");
        for (var i = 0; i < Readers.Count; i++)
        {
            if (Readers[i].Pull?.Exporter.Prometheus is null)
                yield return new ConfigProblem($"readers.{i}", "only a pull reader with a prometheus exporter is supported");
        }
    }
}

public enum MetricsLevel
{
    None,
    Basic,
    Normal,
    Detailed,
}

public sealed class MetricReaderConfig
{
    public PullReaderConfig? Pull { get; set; }
}

public sealed class PullReaderConfig
{
    public PullExporterConfig Exporter { get; set; } = new();
}

public sealed class PullExporterConfig
{
    public PrometheusReaderConfig? Prometheus { get; set; }
}

public sealed class PrometheusReaderConfig
{
    public string Host { get; set; } = "localhost";

    public int Port { get; set; } = 8888;
}
