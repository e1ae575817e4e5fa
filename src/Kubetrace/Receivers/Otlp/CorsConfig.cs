using Kubetrace.Components;

namespace Kubetrace.Receivers.Otlp;

/// <summary><c>protocols.http.cors</c>, as in the Collector.</summary>
public sealed class CorsConfig
{
    /// <summary>Origins allowed to send spans from a browser; <c>*</c> wildcards allowed (<c>https://*.example.com</c>).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>Request headers allowed beyond the ones OTLP needs (Content-Type, Content-Encoding, ...); <c>*</c> allows any.</summary>
    public List<string> AllowedHeaders { get; set; } = [];

    /// <summary>Seconds a browser may cache a preflight answer; 0 leaves the header out.</summary>
    public int MaxAge { get; set; }

    public IEnumerable<ConfigProblem> Validate()
    {
        if (MaxAge < 0) yield return new("max_age", "max_age must not be negative");
        if (AllowedOrigins.Contains("*") && AllowedOrigins.Count > 1)
            yield return new("allowed_origins", "\"*\" already allows every origin; remove the other entries");
    }
}
