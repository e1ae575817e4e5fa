using Kubetrace.Components;

namespace Kubetrace.Exporters.Otlp;

/// <summary>The Collector's client <c>tls</c> section, shared by <c>otlp</c> and <c>otlphttp</c>.</summary>
public sealed class ClientTlsConfig
{
    /// <summary>Plain text (h2c for gRPC) instead of TLS, when the endpoint has no scheme.</summary>
    public bool Insecure { get; set; }

    /// <summary>PEM file of the CA that must have signed the server certificate (instead of the system roots).</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM client certificate for mutual TLS, with <see cref="KeyFile"/>.</summary>
    public string? CertFile { get; set; }

    public string? KeyFile { get; set; }

    /// <summary>Accept any server certificate. For tests only: it defeats the point of TLS.</summary>
    public bool InsecureSkipVerify { get; set; }

    /// <summary>Checked by the embedding exporter config, which knows the key prefix.</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        if (string.IsNullOrEmpty(CertFile) != string.IsNullOrEmpty(KeyFile))
            yield return new ConfigProblem("tls", "cert_file and key_file must be given together");
        foreach (var (key, file) in new[] { ("tls.ca_file", CaFile), ("tls.cert_file", CertFile), ("tls.key_file", KeyFile) })
            if (!string.IsNullOrEmpty(file) && !System.IO.File.Exists(file))
                yield return new ConfigProblem(key, $"file \"{file}\" does not exist");
    }
}
