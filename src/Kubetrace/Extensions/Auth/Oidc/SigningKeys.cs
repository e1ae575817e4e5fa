using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Kubetrace.Extensions.Auth.Oidc;

/// <summary>
/// The issuer's signing keys: from <c>jwks_file</c> (re-read on change) or fetched from <c>jwks_url</c> / the
/// discovery document, kept for five minutes, fetched again sooner (at most every 30 s) when a token names a key
/// not yet known, as after the issuer rotates its key.
/// </summary>
internal sealed class SigningKeys
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RefetchUnknownAfter = TimeSpan.FromSeconds(30);
    private readonly OidcAuthConfig _config;
    private readonly WatchedFile<JsonWebKeySet>? _file;
    private readonly HttpClient? _http;
    private readonly ILogger _logger;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _fetching = new(1, 1);
    private JsonWebKeySet? _fetched;
    private DateTimeOffset _fetchedAt;

    public SigningKeys(OidcAuthConfig config, ILogger logger, TimeProvider clock)
    {
        _config = config;
        _logger = logger;
        _clock = clock;
        if (config.JwksFile is not null)
        {
            _file = new WatchedFile<JsonWebKeySet>(config.JwksFile, Parse, logger, clock);
            return;
        }
        var handler = new SocketsHttpHandler();
        if (config.IssuerCaPath is not null)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            var roots = new X509Certificate2Collection();
            roots.ImportFromPemFile(config.IssuerCaPath);
            policy.CustomTrustStore.AddRange(roots);
            handler.SslOptions.CertificateChainPolicy = policy;
        }
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The keys to check a token signed with <paramref name="keyId"/>; empty when none can be had.</summary>
    public async ValueTask<IList<SecurityKey>> GetAsync(string? keyId, CancellationToken cancellationToken)
    {
        if (_file is not null) return _file.Value.GetSigningKeys();
        var age = _clock.GetUtcNow() - _fetchedAt;
        var unknown = _fetched is not null && keyId is not null && _fetched.Keys.All(k => k.Kid != keyId);
        if (_fetched is null || age > KeepFor || (unknown && age > RefetchUnknownAfter)) await FetchAsync(cancellationToken).ConfigureAwait(false);
        return _fetched?.GetSigningKeys() ?? [];
    }

    private async Task FetchAsync(CancellationToken cancellationToken)
    {
        await _fetching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var url = _config.JwksUrl ?? await DiscoverAsync(cancellationToken).ConfigureAwait(false);
            _fetched = Parse(await _http!.GetStringAsync(url, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception e) when (e is HttpRequestException or InvalidDataException or TaskCanceledException or System.Text.Json.JsonException)
        {
            // Keep what was fetched before: the issuer being away must not turn every caller away at once.
            _logger.LogWarning("Cannot fetch the signing keys of {Issuer}: {Reason}", _config.IssuerUrl, e.Message);
        }
        finally
        {
            _fetchedAt = _clock.GetUtcNow();
            _fetching.Release();
        }
    }

    private async Task<string> DiscoverAsync(CancellationToken cancellationToken)
    {
        var discovery = _config.IssuerUrl.TrimEnd('/') + "/.well-known/openid-configuration";
        var document = await _http!.GetFromJsonAsync<JsonObject>(discovery, cancellationToken).ConfigureAwait(false);
        return document?["jwks_uri"]?.GetValue<string>() ?? throw new InvalidDataException($"{discovery} names no jwks_uri");
    }

    private static JsonWebKeySet Parse(string json)
    {
        try
        {
            var set = new JsonWebKeySet(json);
            return set.Keys.Count > 0 ? set : throw new InvalidDataException("the JWKS holds no key");
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"not a JWKS document: {e.Message}", e);
        }
    }
}
