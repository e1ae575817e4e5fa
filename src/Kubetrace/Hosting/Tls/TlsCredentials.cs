using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Kubetrace.Hosting.Tls;

/// <summary>
/// What a TLS listener's files hold at one moment: the server certificate (with its chain) and the client CAs.
/// Loading checks what can go wrong with the files and says which file and why.
/// </summary>
internal sealed class TlsCredentials
{
    private TlsCredentials(X509Certificate2 certificate, X509Certificate2Collection intermediates, X509Certificate2Collection? clientCas)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        ClientCas = clientCas;
    }

    public X509Certificate2 Certificate { get; }

    public X509Certificate2Collection Intermediates { get; }

    /// <summary>The CAs a client certificate must chain to; null when client certificates are not asked for.</summary>
    public X509Certificate2Collection? ClientCas { get; }

    /// <exception cref="TlsFileException">A file is missing, unreadable, not PEM, or the key does not fit the certificate.</exception>
    public static TlsCredentials Load(TlsServerConfig config)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPemFile(config.CertFile, config.KeyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new TlsFileException($"cannot load the TLS certificate cert_file \"{config.CertFile}\" with key_file \"{config.KeyFile}\": {e.Message}", e);
        }
        var chain = ReadPem(config.CertFile, "cert_file");
        var intermediates = new X509Certificate2Collection();
        foreach (var extra in chain)
        {
            if (extra.Thumbprint != certificate.Thumbprint) intermediates.Add(extra);
        }
        X509Certificate2Collection? clientCas = null;
        if (!string.IsNullOrEmpty(config.ClientCaFile))
        {
            clientCas = ReadPem(config.ClientCaFile, "client_ca_file");
            if (clientCas.Count == 0) throw new TlsFileException($"client_ca_file \"{config.ClientCaFile}\" holds no PEM certificate");
        }
        return new TlsCredentials(certificate, intermediates, clientCas);
    }

    private static X509Certificate2Collection ReadPem(string path, string key)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new TlsFileException($"cannot read {key} \"{path}\": {e.Message}", e);
        }
        return certificates;
    }
}

/// <summary>A TLS file could not be used; the message names the key, the file and the reason.</summary>
public sealed class TlsFileException(string message, Exception? inner = null) : Exception(message, inner);
