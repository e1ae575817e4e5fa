using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Extensions.Auth;

namespace Kubetrace.Exporters.Otlp;

/// <summary>Config of the <c>otlp</c> (gRPC) exporter.</summary>
public sealed class OtlpGrpcExporterConfig : IValidatableConfig, IExporterHelperConfig
{
    /// <summary><c>host:port</c>; an <c>http://</c> or <c>https://</c> scheme overrides <c>tls.insecure</c>.</summary>
    public string Endpoint { get; set; } = "";

    public ClientTlsConfig Tls { get; set; } = new();

    public Dictionary<string, string> Headers { get; set; } = new();

    /// <summary>A client authenticator extension whose credential each request carries (<c>bearertokenauth</c>).</summary>
    public AuthenticationConfig? Auth { get; set; }

    public OtlpCompression Compression { get; set; } = OtlpCompression.Gzip;

    public QueueConfig SendingQueue { get; set; } = new();

    public RetryConfig RetryOnFailure { get; set; } = new();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The address to dial: scheme from the endpoint when given, else from <c>tls.insecure</c>.</summary>
    public Uri Address()
    {
        var endpoint = Endpoint.Trim();
        if (!endpoint.Contains("://", StringComparison.Ordinal))
            endpoint = (Tls.Insecure ? "http://" : "https://") + endpoint;
        return new Uri(endpoint);
    }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint))
        {
            yield return new ConfigProblem("endpoint", "is required (host:port)");
        }
        else if (!Uri.TryCreate(Endpoint.Contains("://", StringComparison.Ordinal) ? Endpoint : "http://" + Endpoint,
                     UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            yield return new ConfigProblem("endpoint", $"\"{Endpoint}\" is not host:port (optionally with http:// or https://)");
        }
        foreach (var problem in Tls.Validate()) yield return problem;
        foreach (var problem in Auth?.Validate() ?? []) yield return problem with { Key = "auth." + problem.Key };
        foreach (var problem in this.ValidateHelper()) yield return problem;
    }
}
