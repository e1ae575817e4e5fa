using Kubetrace.Components;

namespace Kubetrace.Extensions.Auth;

/// <summary>A listener's <c>auth:</c> section, as in the Collector (configauth): <c>authenticator: bearertokenauth/agents</c>.</summary>
public sealed class AuthenticationConfig
{
    /// <summary>ID of an authenticator extension listed in <c>service.extensions</c>.</summary>
    public string Authenticator { get; set; } = "";

    /// <summary>
    /// Kubetrace's addition, on a receiver under <c>multitenancy_enabled</c>: the claim of the authenticated principal
    /// that names its tenant (<c>sub</c>: the subject, such as a basicauth user or a token's subject; any other: that
    /// claim of an OIDC token). The sender's <c>X-Scope-OrgID</c> may then only repeat it (docs/security.md, Tenants).
    /// </summary>
    public string? TenantClaim { get; set; }

    /// <param name="namesTenants">True on an otlp receiver's listener, the only place where the principal names the
    /// tenant of what it sends; anywhere else <c>tenant_claim</c> would be silently ignored, so it is refused.</param>
    public IEnumerable<ConfigProblem> Validate(bool namesTenants = false)
    {
        if (Authenticator.Length == 0) yield return new("authenticator", "is required: the ID of an authenticator extension (bearertokenauth, basicauth, oidc)");
        else if (!ComponentId.TryParse(Authenticator, out _, out var error)) yield return new("authenticator", error ?? "is not a component ID");
        if (TenantClaim is not null && !namesTenants)
            yield return new("tenant_claim", "is read only on an otlp receiver's grpc or http listener, where it names the tenant a write goes to; here it would be ignored: remove it (readers' tenants come from X-Scope-OrgID and authorization)");
        else if (TenantClaim is { Length: 0 }) yield return new("tenant_claim", "is empty: name a claim (sub for the subject) or leave the key out");
    }

    /// <summary>
    /// The authenticator a listener uses; null when <paramref name="config"/> is null (no auth). Extensions are built
    /// before receivers start, so a wrong name stops start-up with a sentence that says what is missing.
    /// </summary>
    public static IServerAuthenticator? Resolve(AuthenticationConfig? config, ComponentDirectory directory) =>
        Resolve<IServerAuthenticator>(config, directory, "an authenticator extension (bearertokenauth, basicauth, oidc)");

    /// <summary>The authenticator an exporter sends credentials with (the Collector's client side: <c>bearertokenauth</c>).</summary>
    public static IClientAuthenticator? ResolveClient(AuthenticationConfig? config, ComponentDirectory directory) =>
        Resolve<IClientAuthenticator>(config, directory, "a client authenticator extension (bearertokenauth)");

    private static T? Resolve<T>(AuthenticationConfig? config, ComponentDirectory directory, string what) where T : class
    {
        if (config is null) return null;
        ComponentId.TryParse(config.Authenticator, out var id, out _);
        return directory.Find<T>(ComponentKind.Extension, id)
            ?? throw new InvalidOperationException($"auth.authenticator \"{config.Authenticator}\" is not {what} listed in service.extensions");
    }
}
