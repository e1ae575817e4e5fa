using Microsoft.AspNetCore.Http;

namespace Kubetrace.Extensions.Auth;

/// <summary>
/// A server authenticator extension (the Collector's <c>extension/auth</c> server side): decides from a request's
/// headers who is calling, before anything else looks at the request. Named by a listener's <c>auth: authenticator:</c>.
/// </summary>
public interface IServerAuthenticator
{
    /// <summary>Never throws for bad credentials: a failure carries a reason safe to return to the caller (no secret in it).</summary>
    ValueTask<AuthResult> AuthenticateAsync(IHeaderDictionary headers, CancellationToken cancellationToken);

    /// <summary>The <c>WWW-Authenticate</c> challenge of an HTTP 401 (<c>Bearer realm="kubetrace"</c>).</summary>
    string Challenge { get; }
}

/// <summary>Who a request comes from, as an authenticator established it.</summary>
/// <param name="Subject">The user name, token subject or the authenticator's ID for a shared token.</param>
/// <param name="Groups">Groups the subject belongs to (OIDC <c>groups_claim</c>); empty when the authenticator has none.</param>
/// <param name="Claims">Every string claim of a token (OIDC), for policies; empty otherwise.</param>
public sealed record Principal(string Subject, IReadOnlyList<string> Groups, IReadOnlyDictionary<string, IReadOnlyList<string>> Claims)
{
    public static Principal Named(string subject) => new(subject, [], new Dictionary<string, IReadOnlyList<string>>());
}

/// <summary>The outcome of one authentication: a principal, or the reason it failed.</summary>
public readonly record struct AuthResult(Principal? Principal, string? Failure)
{
    public bool Succeeded => Principal is not null;

    public static AuthResult Success(Principal principal) => new(principal, null);

    public static AuthResult Fail(string reason) => new(null, reason);
}
