using Kubetrace.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Kubetrace.Extensions.Auth.Oidc;

/// <summary>
/// Checks a JWT bearer token: signature by one of the issuer's keys, <c>iss</c>, <c>aud</c>, <c>exp</c>/<c>nbf</c>,
/// and the required claims. The principal is the <c>username_claim</c>, with the <c>groups_claim</c> and every claim.
/// </summary>
public sealed class OidcAuthenticator : IServerAuthenticator, IExtension
{
    private readonly OidcAuthConfig _config;
    private readonly SigningKeys _keys;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public OidcAuthenticator(ComponentSettings settings, OidcAuthConfig config)
    {
        _config = config;
        _keys = new SigningKeys(config, settings.CreateLogger(), settings.Clock);
        settings.Directory.Publish(ComponentKind.Extension, settings.Id, this);
    }

    public async ValueTask<AuthResult> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken)
    {
        var value = headers[_config.Attribute].ToString();
        if (value.Length == 0) return AuthResult.Fail($"missing {_config.Attribute} header");
        if (!value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return AuthResult.Fail($"{_config.Attribute} header is not \"Bearer <token>\"");
        if (Read(value[7..].Trim()) is not { } token) return AuthResult.Fail("token is not a JWT");
        var keys = await _keys.GetAsync(token.Kid, cancellationToken).ConfigureAwait(false);
        TokenValidationResult result;
        try
        {
            result = await _handler.ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = _config.IssuerUrl,
                ValidAudience = _config.Audience,
                IssuerSigningKeys = keys,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateLifetime = true,
                ClockSkew = TimeSpan.FromSeconds(30),
            }).ConfigureAwait(false);
        }
        catch (Exception error) when (IsMalformed(error))
        {
            // Claims of a type the checks cannot read (an "exp" that is no number): the sender's error, not ours.
            return AuthResult.Fail("token is not a JWT");
        }
        if (!result.IsValid) return AuthResult.Fail(Explain(result.Exception));
        var jwt = (JsonWebToken)result.SecurityToken;
        foreach (var (claim, expected) in _config.RequiredClaims)
        {
            if (!Values(jwt, claim).Contains(expected, StringComparer.Ordinal)) return AuthResult.Fail($"claim \"{claim}\" is not \"{expected}\"");
        }
        var subject = Values(jwt, _config.UsernameClaim).FirstOrDefault();
        if (string.IsNullOrEmpty(subject)) return AuthResult.Fail($"token has no \"{_config.UsernameClaim}\" claim");
        var groups = _config.GroupsClaim.Length == 0 ? [] : Values(jwt, _config.GroupsClaim);
        var claims = jwt.Claims.GroupBy(c => c.Type).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.Value).ToList());
        return AuthResult.Success(new Principal(subject, groups, claims));
    }

    /// <summary>The token as a JWT, or null when it is not one: the library throws on a header or payload that is
    /// not a JSON object of the expected types, which is anyone's input and must be a 401, never a 500.</summary>
    private JsonWebToken? Read(string token)
    {
        if (!_handler.CanReadToken(token)) return null;
        try
        {
            var jwt = _handler.ReadJsonWebToken(token);
            _ = jwt.Kid; // read lazily, and throws when it is not a string: read it here, where that is a refusal
            return jwt;
        }
        catch (Exception error) when (IsMalformed(error))
        {
            return null;
        }
    }

    /// <summary>What the library throws for a token it cannot parse or read the claims of.</summary>
    private static bool IsMalformed(Exception error) =>
        error is ArgumentException or SecurityTokenException or FormatException or System.Text.Json.JsonException or InvalidOperationException or OverflowException;

    private static List<string> Values(JsonWebToken jwt, string claim) => jwt.Claims.Where(c => c.Type == claim).Select(c => c.Value).ToList();

    private string Explain(Exception? error) => error switch
    {
        SecurityTokenExpiredException => "token has expired",
        SecurityTokenNotYetValidException => "token is not valid yet",
        SecurityTokenInvalidAudienceException => $"token audience is not \"{_config.Audience}\"",
        SecurityTokenInvalidIssuerException => $"token issuer is not \"{_config.IssuerUrl}\"",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "token signature is not valid for the issuer's keys",
        SecurityTokenNoExpirationException => "token has no expiry",
        _ => "token is not valid",
    };

    public string Challenge => "Bearer realm=\"kubetrace\"";

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task ShutdownAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

public sealed class OidcAuthFactory() : ComponentFactory<OidcAuthConfig>("oidc", ComponentKind.Extension), IExtensionFactory
{
    public IExtension Create(ComponentSettings settings, object config) => new OidcAuthenticator(settings, (OidcAuthConfig)config);
}
