using Kubetrace.Components;

namespace Kubetrace.Extensions.Auth;

/// <summary>A listener's <c>auth:</c> section, as in the Collector (configauth): <c>authenticator: bearertokenauth/agents</c>.</summary>
public sealed class AuthenticationConfig
{
    /// <summary>ID of an authenticator extension listed in <c>service.extensions</c>.</summary>
    public string Authenticator { get; set; } = "";

    public IEnumerable<ConfigProblem> Validate()
    {
        if (Authenticator.Length == 0) yield return new("authenticator", "is required: the ID of an authenticator extension (bearertokenauth, basicauth, oidc)");
        else if (!ComponentId.TryParse(Authenticator, out _, out var error)) yield return new("authenticator", error ?? "is not a component ID");
    }

    /// <summary>
    /// The authenticator a listener uses; null when <paramref name="config"/> is null (no auth). Extensions are built
    /// before receivers start, so a wrong name stops start-up with a sentence that says what is missing.
    /// </summary>
    public static IServerAuthenticator? Resolve(AuthenticationConfig? config, ComponentDirectory directory)
    {
        if (config is null) return null;
        ComponentId.TryParse(config.Authenticator, out var id, out _);
        return directory.Find<IServerAuthenticator>(ComponentKind.Extension, id)
            ?? throw new InvalidOperationException(
                $"auth.authenticator \"{config.Authenticator}\" is not an authenticator extension (bearertokenauth, basicauth, oidc) listed in service.extensions");
    }
}
