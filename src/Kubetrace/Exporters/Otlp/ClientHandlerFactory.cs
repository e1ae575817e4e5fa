using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Kubetrace.Exporters.Otlp;

/// <summary>Builds the HTTP handler of an OTLP client from its <c>tls</c> section (one place for both exporters).</summary>
internal static class ClientHandlerFactory
{
    public static SocketsHttpHandler Create(ClientTlsConfig tls)
    {
        var handler = new SocketsHttpHandler
        {
            // Long-lived connections, recycled now and then so that DNS changes (a moved backend) are noticed.
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        var ssl = new SslClientAuthenticationOptions();
        if (!string.IsNullOrEmpty(tls.CertFile) && !string.IsNullOrEmpty(tls.KeyFile))
            ssl.ClientCertificates = [X509Certificate2.CreateFromPemFile(tls.CertFile, tls.KeyFile)];
        if (tls.InsecureSkipVerify)
        {
            ssl.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }
        else if (!string.IsNullOrEmpty(tls.CaFile))
        {
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(tls.CaFile);
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(roots);
            ssl.CertificateChainPolicy = policy;
        }
        handler.SslOptions = ssl;
        return handler;
    }
}
