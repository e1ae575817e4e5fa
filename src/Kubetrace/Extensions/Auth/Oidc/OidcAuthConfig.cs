using Kubetrace.Components;

namespace Kubetrace.Extensions.Auth.Oidc;

/// <summary>
/// The Collector's <c>oidc</c> extension: a JWT bearer token checked against the issuer's signing keys (JWKS), its
/// issuer, audience and lifetime. Keys come from the issuer's discovery document, or from <c>jwks_url</c> or
/// <c>jwks_file</c> (Kubetrace additions: a Kubernetes ServiceAccount issuer's keys saved with
/// <c>kubectl get --raw /openid/v1/jwks</c>).
/// </summary>
public sealed class OidcAuthConfig : IValidatableConfig
{
    /// <summary>Expected <c>iss</c> claim; also where discovery looks (<c>/.well-known/openid-configuration</c>).</summary>
    public string IssuerUrl { get; set; } = "";

    /// <summary>PEM CA that signed the issuer's TLS certificate (for discovery and <c>jwks_url</c>).</summary>
    public string? IssuerCaPath { get; set; }

    /// <summary>Expected <c>aud</c> claim (a projected ServiceAccount token's audience).</summary>
    public string Audience { get; set; } = "";

    /// <summary>Header that carries <c>Bearer &lt;jwt&gt;</c>.</summary>
    public string Attribute { get; set; } = "authorization";

    /// <summary>Claim that names the principal.</summary>
    public string UsernameClaim { get; set; } = "sub";

    /// <summary>Claim that lists the principal's groups; empty: none.</summary>
    public string GroupsClaim { get; set; } = "";

    public string? JwksUrl { get; set; }

    /// <summary>JWKS JSON file, read again when it changes.</summary>
    public string? JwksFile { get; set; }

    /// <summary>Claims that must hold one given value (e.g. <c>kubernetes.io/namespace</c>-style checks on flat claims).</summary>
    public Dictionary<string, string> RequiredClaims { get; set; } = new();

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!Uri.TryCreate(IssuerUrl, UriKind.Absolute, out _)) yield return new("issuer_url", $"must be an absolute URL (got \"{IssuerUrl}\")");
        if (Audience.Length == 0) yield return new("audience", "is required: the audience tokens must be issued for");
        if (JwksUrl is not null && JwksFile is not null) yield return new("jwks_file", "set jwks_url or jwks_file, not both");
        if (JwksUrl is not null && !Uri.TryCreate(JwksUrl, UriKind.Absolute, out _)) yield return new("jwks_url", $"must be an absolute URL (got \"{JwksUrl}\")");
        foreach (var (key, file) in new[] { ("jwks_file", JwksFile), ("issuer_ca_path", IssuerCaPath) })
        {
            if (file is not null && !File.Exists(file)) yield return new(key, $"file \"{file}\" does not exist");
        }
    }
}
