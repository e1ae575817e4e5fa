using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Kubetrace.Hosting.Tls;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A private PKI made at test time in a temporary folder: a CA, a second CA nobody trusts, server and client
/// certificates it signed (valid and expired), each written as PEM files the way an operator mounts them.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly X509Certificate2 _ca;
    private readonly ECDsa _caKey;

    public TestPki()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("kubetrace-pki-").FullName;
        (_ca, _caKey) = CreateCa("CN=kubetrace-test-ca");
        CaFile = Write("ca.pem", _ca.ExportCertificatePem());
        var (otherCa, otherKey) = CreateCa("CN=someone-else-ca");
        OtherCaFile = Write("other-ca.pem", otherCa.ExportCertificatePem());
        Server = Issue("server", "CN=kubetrace-server", serverAuth: true, _ca, _caKey);
        ExpiredServer = Issue("expired-server", "CN=kubetrace-expired", serverAuth: true, _ca, _caKey, expired: true);
        Client = Issue("client", "CN=node-agent", serverAuth: false, _ca, _caKey);
        ExpiredClient = Issue("expired-client", "CN=old-agent", serverAuth: false, _ca, _caKey, expired: true);
        ForeignClient = Issue("foreign-client", "CN=intruder", serverAuth: false, otherCa, otherKey);
        otherCa.Dispose();
        otherKey.Dispose();
    }

    public string Directory { get; }

    /// <summary>PEM of the CA that signed <see cref="Server"/>, <see cref="Client"/> and the expired ones.</summary>
    public string CaFile { get; }

    /// <summary>PEM of a CA that signed only <see cref="ForeignClient"/>.</summary>
    public string OtherCaFile { get; }

    public PemPair Server { get; }

    public PemPair ExpiredServer { get; }

    public PemPair Client { get; }

    public PemPair ExpiredClient { get; }

    public PemPair ForeignClient { get; }

    /// <summary>Server TLS with <see cref="Server"/>, requiring client certificates from <see cref="CaFile"/> when <paramref name="mutual"/>.</summary>
    public TlsServerConfig ServerConfig(bool mutual = false, PemPair? certificate = null) => new()
    {
        CertFile = (certificate ?? Server).CertFile,
        KeyFile = (certificate ?? Server).KeyFile,
        ClientCaFile = mutual ? CaFile : null,
    };

    /// <summary>A handler that trusts only <paramref name="caFile"/> (default <see cref="CaFile"/>) and presents <paramref name="client"/>.</summary>
    public SocketsHttpHandler Handler(PemPair? client = null, string? caFile = null)
    {
        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(caFile ?? CaFile);
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.AddRange(roots);
        var ssl = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        if (client is not null) ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(client.CertFile, client.KeyFile)];
        return new SocketsHttpHandler { SslOptions = ssl };
    }

    /// <summary>A fresh server certificate for the same names, signed by the same CA, with another subject (for rotation).</summary>
    public PemPair IssueServer(string name, string subject) => Issue(name, subject, serverAuth: true, _ca, _caKey);

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    private static (X509Certificate2, ECDsa) CreateCa(string subject)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        return (request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30)), key);
    }

    private PemPair Issue(string name, string subject, bool serverAuth, X509Certificate2 issuer, ECDsa issuerKey, bool expired = false)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (serverAuth)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddIpAddress(IPAddress.Loopback);
            names.AddDnsName("localhost");
            request.CertificateExtensions.Add(names.Build());
        }
        var (from, to) = expired
            ? (DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1))
            : (DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10));
        var generator = X509SignatureGenerator.CreateForECDsa(issuerKey);
        using var certificate = request.Create(issuer.SubjectName, generator, from, to, RandomNumberGenerator.GetBytes(12));
        return new PemPair(Write($"{name}.pem", certificate.ExportCertificatePem()), Write($"{name}-key.pem", key.ExportPkcs8PrivateKeyPem()), subject);
    }

    private string Write(string name, string pem)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, pem);
        return path;
    }
}

/// <summary>A certificate and its private key as PEM files.</summary>
internal sealed record PemPair(string CertFile, string KeyFile, string Subject);
