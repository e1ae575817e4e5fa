using Kubetrace.Components;

namespace Kubetrace.Hosting.Tls;

/// <summary>
/// A listener's <c>tls:</c> section with the Collector's server keys (configtls.ServerConfig): the same YAML turns TLS
/// on for the OTLP receivers, the query ports, the metrics endpoint and health_check. Absent means plain text.
/// </summary>
public sealed class TlsServerConfig
{
    /// <summary>PEM certificate (chain) the server presents; the leaf first, intermediates after it.</summary>
    public string CertFile { get; set; } = "";

    /// <summary>PEM private key of <see cref="CertFile"/> (PKCS#8, PKCS#1 or SEC1).</summary>
    public string KeyFile { get; set; } = "";

    /// <summary>PEM CA bundle; when set, every client must present a certificate it signed (mutual TLS).</summary>
    public string? ClientCaFile { get; set; }

    /// <summary>Oldest TLS version accepted: <c>"1.2"</c> (the Collector's default) or <c>"1.3"</c>.</summary>
    public string MinVersion { get; set; } = "1.2";

    /// <summary>Newest TLS version offered; empty means the newest the platform has.</summary>
    public string MaxVersion { get; set; } = "";

    /// <summary>How often the certificate, key and client CA files are read again (rotation without restart); 0: never.</summary>
    public TimeSpan ReloadInterval { get; set; }

    /// <summary>Problems with keys relative to this section (the caller prefixes <c>tls.</c>).</summary>
    public IEnumerable<ConfigProblem> Validate()
    {
        if (CertFile.Length == 0) yield return new("cert_file", "is required when tls is set (PEM certificate the server presents)");
        if (KeyFile.Length == 0) yield return new("key_file", "is required when tls is set (PEM private key of cert_file)");
        foreach (var (key, file) in new[] { ("cert_file", CertFile), ("key_file", KeyFile), ("client_ca_file", ClientCaFile ?? "") })
        {
            if (file.Length > 0 && !File.Exists(file)) yield return new(key, $"file \"{file}\" does not exist");
        }
        var minValid = TlsVersion.TryParse(MinVersion, out var min, out var error);
        if (!minValid) yield return new("min_version", error);
        if (MaxVersion.Length > 0)
        {
            if (!TlsVersion.TryParse(MaxVersion, out var max, out error)) yield return new("max_version", error);
            else if (minValid && max < min) yield return new("max_version", $"\"{MaxVersion}\" is older than min_version \"{MinVersion}\"");
        }
        if (ReloadInterval < TimeSpan.Zero) yield return new("reload_interval", "must not be negative; 0 turns reloading off");
    }
}
