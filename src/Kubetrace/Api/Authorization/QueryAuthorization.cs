using Kubetrace.Extensions.Auth;
using Kubetrace.Query;
using Kubetrace.Query.Access;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Api.Authorization;

/// <summary>
/// Decides what the caller of a query may read, from the principal the authentication gate established and the
/// policy file (read again within a second of a change, like the authenticators' files), and hands each query the
/// store as that reader may see it (<see cref="ScopedTraceStore"/>). Without a policy every reader sees everything.
/// </summary>
public sealed class QueryAuthorization
{
    private readonly WatchedFile<AccessPolicy>? _policy;

    private QueryAuthorization(WatchedFile<AccessPolicy>? policy) => _policy = policy;

    /// <summary>No policy: every caller may read everything.</summary>
    public static QueryAuthorization None { get; } = new(null);

    /// <exception cref="InvalidDataException">The policy file cannot be read or is not valid (the message names line and key).</exception>
    public static QueryAuthorization FromConfig(AuthorizationConfig? config, ILogger logger) =>
        string.IsNullOrEmpty(config?.PolicyFile) ? None
        : new QueryAuthorization(new WatchedFile<AccessPolicy>(config.PolicyFile, text => AccessPolicyFile.Parse(text, config.PolicyFile), logger));

    /// <summary>What the caller of <paramref name="context"/> may read (kept on the request for the audit log).</summary>
    public ReadGrant GrantOf(HttpContext context)
    {
        if (context.Features.Get<ReadGrant>() is { } decided) return decided;
        var grant = _policy is null ? ReadGrant.Everything
            : AuthenticationGate.PrincipalOf(context) is { } principal ? _policy.Value.GrantOf(principal)
            : ReadGrant.Nothing;
        context.Features.Set(grant);
        return grant;
    }

    /// <summary>The engine over the caller's view of the store.</summary>
    /// <exception cref="AccessDeniedException">The policy grants the caller nothing.</exception>
    public QueryEngine Scope(HttpContext context, QueryEngine engine)
    {
        var grant = GrantOf(context);
        if (grant.IsNothing)
            throw new AccessDeniedException($"the policy file grants \"{AuthenticationGate.PrincipalOf(context)?.Subject ?? "(anonymous)"}\" no reads");
        var tally = context.Features.Get<ReadTally>();
        return grant.All && tally is null ? engine : new QueryEngine(new ScopedTraceStore(engine.Store, grant, tally), engine.Limits);
    }

    /// <summary>For answers aggregated over every namespace that cannot be scoped (span metrics): refuses readers without <c>all</c>.</summary>
    public void RequireAll(HttpContext context, string what)
    {
        var grant = GrantOf(context);
        if (!grant.All) throw new AccessDeniedException($"{what} aggregate every namespace; they need a reader granted all (this reader: {grant})");
    }
}
