using System.Net;
using Kubetrace.Extensions.Auth.Oidc;
using Kubetrace.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;

namespace Kubetrace.Tests.Extensions.Auth;

/// <summary>
/// The <c>oidc</c> authenticator against an issuer it reaches over HTTP, as a cluster's apiserver serves its
/// ServiceAccount issuer: the signing keys found through the discovery document (<c>issuer_url</c> alone) or at
/// <c>jwks_url</c>; and <c>required_claims</c>, which a token signed by the issuer must still satisfy.
/// </summary>
public sealed class OidcIssuerTests : IAsyncLifetime
{
    private readonly AuthWorld _world = new();
    private WebApplication? _issuer;
    private string _url = "";

    public async Task InitializeAsync()
    {
        var builder = KestrelHost.CreateBuilder(NullLoggerFactory.Instance);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        _issuer = builder.Build();
        _issuer.MapGet("/.well-known/openid-configuration", () => Results.Text($$"""{"issuer":"{{_url}}","jwks_uri":"{{_url}}/openid/v1/jwks"}""", "application/json"));
        _issuer.MapGet("/openid/v1/jwks", () => Results.Text(AuthWorld.IssuerJwks, "application/json"));
        await _issuer.StartAsync();
        _url = KestrelHost.BoundAddresses(_issuer).Single();
    }

    public async Task DisposeAsync()
    {
        if (_issuer is not null) await _issuer.DisposeAsync();
        _world.Dispose();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_issuers_keys_are_fetched_from_its_discovery_document_or_jwks_url(bool jwksUrl)
    {
        var oidc = new OidcAuthenticator(_world.Settings("oidc"), new OidcAuthConfig
        {
            IssuerUrl = _url, Audience = AuthWorld.Audience, JwksUrl = jwksUrl ? _url + "/openid/v1/jwks" : null,
        });

        var accepted = await AuthenticateAsync(oidc, _world.Jwt(issuer: _url));
        Assert.Equal("system:serviceaccount:kube-system:node-agent", accepted.Principal?.Subject);
        Assert.Equal("token signature is not valid for the issuer's keys", (await AuthenticateAsync(oidc, _world.Jwt(issuer: _url, stranger: true))).Failure);
        Assert.Equal($"token issuer is not \"{_url}\"", (await AuthenticateAsync(oidc, _world.Jwt())).Failure);
    }

    [Fact]
    public async Task A_token_of_the_issuer_that_lacks_a_required_claim_is_refused_naming_the_claim()
    {
        var oidc = new OidcAuthenticator(_world.Settings("oidc"), new OidcAuthConfig
        {
            IssuerUrl = _url, Audience = AuthWorld.Audience, GroupsClaim = "groups",
            RequiredClaims = new() { ["sub"] = "system:serviceaccount:kube-system:node-agent", ["groups"] = "team-a" },
        });

        Assert.True((await AuthenticateAsync(oidc, _world.Jwt(issuer: _url))).Succeeded);
        Assert.Equal("claim \"sub\" is not \"system:serviceaccount:kube-system:node-agent\"",
            (await AuthenticateAsync(oidc, _world.Jwt(subject: "system:serviceaccount:default:intruder", issuer: _url))).Failure);
    }

    private static ValueTask<Kubetrace.Extensions.Auth.AuthResult> AuthenticateAsync(OidcAuthenticator oidc, string token) =>
        oidc.AuthenticateAsync(new HeaderDictionary { ["authorization"] = "Bearer " + token }, CancellationToken.None);
}
