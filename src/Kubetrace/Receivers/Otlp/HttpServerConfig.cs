using Kubetrace.Components;
using Kubetrace.Extensions.Auth;
using Kubetrace.Hosting;
using Kubetrace.Hosting.Tls;

namespace Kubetrace.Receivers.Otlp;

/// <summary><c>protocols.http</c>: the Collector's HTTP server settings that apply here.</summary>
public sealed class HttpServerConfig
{
    public string Endpoint { get; set; } = "localhost:4318";

    /// <summary>TLS with the Collector's server keys; null (absent): plain text.</summary>
    public TlsServerConfig? Tls { get; set; }

    /// <summary>The Collector's <c>auth: authenticator:</c>; null: anyone who reaches the port may send.</summary>
    public AuthenticationConfig? Auth { get; set; }

    public string TracesUrlPath { get; set; } = "/v1/traces";

    /// <summary>Browser access; null means no CORS headers (browsers then refuse cross-origin calls).</summary>
    public CorsConfig? Cors { get; set; }

    /// <summary>Pass the request headers on as <see cref="Pipeline.TraceBatch.Metadata"/>.</summary>
    public bool IncludeMetadata { get; set; }

    /// <summary>Largest accepted body after decompression, in bytes (the Collector's default, 20 MiB); bigger gets 413.</summary>
    public long MaxRequestBodySize { get; set; } = 20 * 1024 * 1024;

    /// <summary>Time a client has to send the request headers; slower clients are disconnected (slowloris).</summary>
    public TimeSpan ReadHeaderTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long an idle keep-alive connection stays open.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Connections open at once; one more is closed as soon as it is accepted (not a Collector key).</summary>
    public int MaxConcurrentConnections { get; set; } = ReceiverConnections.DefaultMax;

    public ConnectionLimits ConnectionLimits => new(ReadHeaderTimeout, IdleTimeout, MaxConcurrentConnections);

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!EndpointAddress.TryParse(Endpoint, out _, out var error)) yield return new("endpoint", error!);
        if (!TracesUrlPath.StartsWith('/')) yield return new("traces_url_path", "traces_url_path must start with \"/\"");
        if (MaxRequestBodySize <= 0 || MaxRequestBodySize > int.MaxValue)
            yield return new("max_request_body_size", $"max_request_body_size must be between 1 and {int.MaxValue}");
        if (ReadHeaderTimeout <= TimeSpan.Zero) yield return new("read_header_timeout", "read_header_timeout must be positive");
        if (IdleTimeout <= TimeSpan.Zero) yield return new("idle_timeout", "idle_timeout must be positive");
        if (ReceiverConnections.CheckMax(MaxConcurrentConnections) is { } connections) yield return connections;
        foreach (var problem in Auth?.Validate(namesTenants: true) ?? []) yield return problem with { Key = $"auth.{problem.Key}" };
        foreach (var problem in Tls?.Validate() ?? []) yield return problem with { Key = $"tls.{problem.Key}" };
        if (Cors is not null)
        {
            foreach (var problem in Cors.Validate()) yield return problem with { Key = $"cors.{problem.Key}" };
        }
    }
}
