using System.Security.Cryptography;
using System.Text;
using Kubetrace.Components;
using Kubetrace.Extensions.Auth.Basic;
using Kubetrace.Extensions.Auth.BearerToken;
using Kubetrace.Extensions.Auth.Oidc;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// The three authenticators as a cluster would configure them (token file, htpasswd file, an issuer's JWKS file),
/// published in one component directory, and the credentials a test sends: good, wrong, expired, tampered.
/// </summary>
internal sealed class AuthWorld : IDisposable
{
    public const string Issuer = "https://kubernetes.default.svc.cluster.local";
    public const string Audience = "kubetrace";
    private readonly string _directory = System.IO.Directory.CreateTempSubdirectory("kubetrace-auth-").FullName;
    // One issuer for the test run: theory data (made before each test's world) holds tokens it signed.
    private static readonly ECDsa IssuerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa StrangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public AuthWorld()
    {
        TokenFile = Write("token", "s3cret-agent-token\n");
        HtpasswdFile = Write("htpasswd",
            $"alice:{BCrypt.Net.BCrypt.HashPassword("alice-password", workFactor: 5)}\n" +
            $"bob:{{SHA}}{Convert.ToBase64String(SHA1.HashData("bob-password"u8))}\n");
        JwksFile = Write("jwks.json", IssuerJwks);
        Bearer = new BearerTokenAuthenticator(Settings("bearertokenauth"), new BearerTokenAuthConfig { Filename = TokenFile });
        Basic = new BasicAuthenticator(Settings("basicauth"), new BasicAuthConfig { Htpasswd = new HtpasswdConfig { File = HtpasswdFile } });
        Oidc = new OidcAuthenticator(Settings("oidc"), new OidcAuthConfig
        {
            IssuerUrl = Issuer, Audience = Audience, JwksFile = JwksFile, GroupsClaim = "groups",
        });
    }

    public ComponentDirectory Directory { get; } = new();

    public string TokenFile { get; }

    public string HtpasswdFile { get; }

    public string JwksFile { get; }

    public BearerTokenAuthenticator Bearer { get; }

    public BasicAuthenticator Basic { get; }

    public OidcAuthenticator Oidc { get; }

    public static string BasicHeader(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    /// <summary>A ServiceAccount-style token signed by the issuer (or by a stranger's key), valid for a day unless said
    /// otherwise: theories make theirs at test discovery, and a suite squeezed onto one busy core ran for 1 h 41 min, past
    /// the hour these tokens once had (docs/testing.md).</summary>
    public string Jwt(string subject = "system:serviceaccount:kube-system:node-agent", bool expired = false, bool stranger = false,
        string audience = Audience, string issuer = Issuer)
    {
        var now = DateTime.UtcNow;
        var key = new ECDsaSecurityKey(stranger ? StrangerKey : IssuerKey) { KeyId = "issuer-key-1" };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = expired ? now.AddHours(-2) : now,
            NotBefore = expired ? now.AddHours(-2) : now,
            Expires = expired ? now.AddHours(-1) : now.AddDays(1),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["groups"] = new[] { "system:serviceaccounts", "team-a" } },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256),
        });
    }

    /// <summary>A valid token whose payload was changed after signing (another subject), signature kept.</summary>
    public string TamperedJwt()
    {
        var parts = Jwt().Split('.');
        var payload = Base64UrlEncoder.Decode(parts[1]).Replace("node-agent", "cluster-admin", StringComparison.Ordinal);
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload)}.{parts[2]}";
    }

    /// <summary>Something shaped like a JWT (three dot-separated parts) with this header and payload text and no real signature.</summary>
    public static string Forged(string header, string payload) => $"{Base64UrlEncoder.Encode(header)}.{Base64UrlEncoder.Encode(payload)}.AAAA";

    public string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>The issuer's signing keys as it publishes them (a JWKS document).</summary>
    public static string IssuerJwks => Jwks(IssuerKey, "issuer-key-1");

    public ComponentSettings Settings(string id) => TestSettings.For(id) with { Directory = Directory };

    private static string Jwks(ECDsa key, string keyId)
    {
        var p = key.ExportParameters(false);
        return $$"""{"keys":[{"kty":"EC","crv":"P-256","use":"sig","alg":"ES256","kid":"{{keyId}}","x":"{{Base64UrlEncoder.Encode(p.Q.X)}}","y":"{{Base64UrlEncoder.Encode(p.Q.Y)}}"}]}""";
    }

    public void Dispose()
    {
        System.IO.Directory.Delete(_directory, recursive: true);
    }
}
