using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Hosting.Tls;

/// <summary>
/// TLS for one Kestrel listener from a <see cref="TlsServerConfig"/>: the versions allowed, the certificate
/// presented, client certificates required and checked against <c>client_ca_file</c> when it is set, and the files
/// read again every <c>reload_interval</c> so that a rotated certificate is served without a restart. The one TLS
/// mechanism of every listener (receivers, query ports, metrics, health_check), applied by <see cref="KestrelHost.Listen"/>.
/// </summary>
public sealed class ServerTls
{
    /// <summary>Extended key usage "TLS client authentication": a client certificate restricted to other uses is refused.</summary>
    private static readonly System.Security.Cryptography.Oid ClientAuthentication = new("1.3.6.1.5.5.7.3.2");

    private readonly TlsServerConfig _config;
    private readonly SslProtocols _protocols;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _reloadLock = new();
    private volatile Loaded _current;
    private long _nextReloadTicks;

    private ServerTls(TlsServerConfig config, ILogger logger, TimeProvider time)
    {
        _config = config;
        _logger = logger;
        _time = time;
        TlsVersion.TryParse(config.MinVersion, out var min, out _);
        TlsVersion.TryParse(config.MaxVersion, out var max, out _);
        _protocols = TlsVersion.Range(min, max);
        _current = new Loaded(TlsCredentials.Load(config));
        ScheduleReload();
    }

    /// <summary>Loads the files now, so that a bad file stops start-up with a clear <see cref="TlsFileException"/>.</summary>
    public static ServerTls? Create(TlsServerConfig? config, ILogger logger, TimeProvider? time = null) =>
        config is null ? null : new ServerTls(config, logger, time ?? TimeProvider.System);

    /// <summary>Whether clients must present a certificate signed by <c>client_ca_file</c>.</summary>
    public bool RequiresClientCertificate => _current.Credentials.ClientCas is not null;

    /// <summary>Serves TLS on <paramref name="listen"/>, offering ALPN for the listener's HTTP versions.</summary>
    public void Apply(ListenOptions listen)
    {
        List<SslApplicationProtocol> alpn = listen.Protocols switch
        {
            HttpProtocols.Http2 => [SslApplicationProtocol.Http2],
            HttpProtocols.Http1 => [SslApplicationProtocol.Http11],
            _ => [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
        };
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            HandshakeTimeout = TimeSpan.FromSeconds(10),
            OnConnection = context => ValueTask.FromResult(OptionsFor(context.Connection, alpn)),
        });
    }

    private SslServerAuthenticationOptions OptionsFor(ConnectionContext connection, List<SslApplicationProtocol> alpn)
    {
        var loaded = Current();
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = loaded.Context,
            EnabledSslProtocols = _protocols,
            ApplicationProtocols = alpn,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };
        if (loaded.ClientPolicy is { } policy)
        {
            options.ClientCertificateRequired = true;
            options.RemoteCertificateValidationCallback = (_, certificate, sent, _) =>
                ClientCertificateAccepted(certificate, sent, policy, connection.RemoteEndPoint);
        }
        return options;
    }

    private bool ClientCertificateAccepted(X509Certificate? certificate, X509Chain? sent, X509ChainPolicy policy, System.Net.EndPoint? remote)
    {
        if (certificate is null)
        {
            _logger.LogInformation("TLS handshake from {Remote} refused: no client certificate (client_ca_file requires one)", remote);
            return false;
        }
        using var chain = new X509Chain { ChainPolicy = policy.Clone() };
        // Intermediates the client sent may complete the chain; trust still comes from client_ca_file alone.
        if (sent is not null)
        {
            foreach (var element in sent.ChainElements) chain.ChainPolicy.ExtraStore.Add(element.Certificate);
        }
        var presented = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (chain.Build(presented)) return true;
        var reasons = string.Join("; ", chain.ChainStatus.Select(s => Explain(s.Status)).Distinct());
        _logger.LogInformation("TLS handshake from {Remote} refused: client certificate \"{Subject}\" is not valid against client_ca_file: {Reasons}",
            remote, presented.Subject, reasons);
        return false;
    }

    private static string Explain(X509ChainStatusFlags status) => status switch
    {
        X509ChainStatusFlags.PartialChain or X509ChainStatusFlags.UntrustedRoot => "not signed by a CA in client_ca_file",
        X509ChainStatusFlags.NotTimeValid => "expired or not yet valid",
        X509ChainStatusFlags.NotValidForUsage => "not meant for TLS client authentication (extended key usage)",
        _ => status.ToString(),
    };

    /// <summary>The credentials in force, reading the files again when <c>reload_interval</c> has passed.</summary>
    private Loaded Current()
    {
        if (_config.ReloadInterval <= TimeSpan.Zero || _time.GetUtcNow().UtcTicks < Interlocked.Read(ref _nextReloadTicks)) return _current;
        // One connection reloads; the others carry on with what is loaded.
        if (!_reloadLock.TryEnter()) return _current;
        try
        {
            if (_time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _nextReloadTicks))
            {
                _current = new Loaded(TlsCredentials.Load(_config));
                ScheduleReload();
            }
        }
        catch (TlsFileException e)
        {
            // A half-written rotation must not take the listener down: keep serving the last good certificate.
            _logger.LogWarning("Keeping the previous TLS certificate: {Reason}", e.Message);
            ScheduleReload();
        }
        finally
        {
            _reloadLock.Exit();
        }
        return _current;
    }

    private void ScheduleReload() =>
        Interlocked.Exchange(ref _nextReloadTicks, _config.ReloadInterval <= TimeSpan.Zero ? long.MaxValue : (_time.GetUtcNow() + _config.ReloadInterval).UtcTicks);

    /// <summary>Credentials with what a handshake needs built once: the certificate context and the client chain policy.</summary>
    private sealed class Loaded
    {
        public Loaded(TlsCredentials credentials)
        {
            Credentials = credentials;
            Context = SslStreamCertificateContext.Create(credentials.Certificate, credentials.Intermediates, offline: true);
            if (credentials.ClientCas is { } cas)
            {
                ClientPolicy = new X509ChainPolicy
                {
                    TrustMode = X509ChainTrustMode.CustomRootTrust,
                    RevocationMode = X509RevocationMode.NoCheck,
                };
                ClientPolicy.CustomTrustStore.AddRange(cas);
                ClientPolicy.ApplicationPolicy.Add(ClientAuthentication);
            }
        }

        public TlsCredentials Credentials { get; }

        public SslStreamCertificateContext Context { get; }

        public X509ChainPolicy? ClientPolicy { get; }
    }
}
