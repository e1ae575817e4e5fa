using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.Otlp;

/// <summary>Body encoding of the <c>otlphttp</c> exporter.</summary>
public enum OtlpHttpEncoding
{
    Proto,
    Json,
}

/// <summary>Config of the <c>otlphttp</c> exporter.</summary>
public sealed class OtlpHttpExporterConfig : IValidatableConfig, IExporterHelperConfig
{
    /// <summary>Base URL; traces go to its path + <c>/v1/traces</c>.</summary>
    public string? Endpoint { get; set; }

    /// <summary>Exact URL for traces; wins over <see cref="Endpoint"/>.</summary>
    public string? TracesEndpoint { get; set; }

    public OtlpHttpEncoding Encoding { get; set; } = OtlpHttpEncoding.Proto;

    public OtlpCompression Compression { get; set; } = OtlpCompression.Gzip;

    public Dictionary<string, string> Headers { get; set; } = new();

    public ClientTlsConfig Tls { get; set; } = new();

    public QueueConfig SendingQueue { get; set; } = new();

    public RetryConfig RetryOnFailure { get; set; } = new();

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The URL batches are posted to.</summary>
    public Uri TracesUrl()
    {
        if (!string.IsNullOrWhiteSpace(TracesEndpoint)) return new Uri(TracesEndpoint);
        var baseUrl = Endpoint!.TrimEnd('/');
        return new Uri(baseUrl + "/v1/traces");
    }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrWhiteSpace(Endpoint) && string.IsNullOrWhiteSpace(TracesEndpoint))
            yield return new ConfigProblem("", "endpoint or traces_endpoint is required");
        foreach (var (key, value) in new[] { ("endpoint", Endpoint), ("traces_endpoint", TracesEndpoint) })
        {
            if (string.IsNullOrWhiteSpace(value)) continue;
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                yield return new ConfigProblem(key, $"\"{value}\" is not an http:// or https:// URL");
        }
        foreach (var problem in Tls.Validate()) yield return problem;
        foreach (var problem in this.ValidateHelper()) yield return problem;
    }
}
