namespace Kubetrace.Api.Authorization;

/// <summary><c>kubetrace_query.authorization</c>: who may read which namespaces (docs/security.md).</summary>
public sealed class AuthorizationConfig
{
    /// <summary>The policy file (YAML, <see cref="AccessPolicyFile"/>), read again when it changes.</summary>
    public string? PolicyFile { get; set; }
}
