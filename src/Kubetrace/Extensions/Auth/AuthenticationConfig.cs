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
