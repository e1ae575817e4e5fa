using Kubetrace.Extensions.Auth;
using Kubetrace.Pipeline;
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
    private readonly bool _multitenancy;

    private QueryAuthorization(WatchedFile<AccessPolicy>? policy, bool multitenancy)
    {
        _policy = policy;
        _multitenancy = multitenancy;
    }

    /// <summary>No policy, one tenant: every caller may read everything.</summary>
    public static QueryAuthorization None { get; } = new(null, false);

    /// <param name="multitenancy">The configuration's <c>multitenancy_enabled</c>: each query names its tenant (<see cref="TenantOf"/>).</param>
    /// <exception cref="InvalidDataException">The policy file cannot be read or is not valid (the message names line and key).</exception>
    public static QueryAuthorization FromConfig(AuthorizationConfig? config, ILogger logger, bool multitenancy = false) =>
        new(string.IsNullOrEmpty(config?.PolicyFile) ? null
            : new WatchedFile<AccessPolicy>(config.PolicyFile, text => AccessPolicyFile.Parse(text, config.PolicyFile), logger), multitenancy);

    /// <summary>
    /// Whose data the caller of <paramref name="context"/> reads: <see cref="Tenants.SingleTenant"/> without
    /// multitenancy; otherwise the tenants its <c>X-Scope-OrgID</c> header names (several for Tempo's cross-tenant
    /// query federation, <c>a|b</c>: <see cref="Tenants.ManyFromHeader"/>), or, without the header, the tenant its
    /// policy rule names (the authenticated identity carries the tenant). A reader whose rule names a tenant reads that
    /// tenant only.
    /// </summary>
    /// <exception cref="MissingTenantException">Neither names a tenant (401 "no org id", as Tempo answers).</exception>
    /// <exception cref="BadQueryException">The header is not a tenant ID or a list of them (400).</exception>
    /// <exception cref="AccessDeniedException">The header names another tenant than the caller's rule (403).</exception>
    public IReadOnlyList<string> TenantsOf(HttpContext context)
    {
        if (!_multitenancy) return [Tenants.SingleTenant];
        if (context.Features.Get<QueryTenant>() is { } decided) return decided.Tenants;
        var named = Tenants.ManyFromHeader(context.Request.Headers[Tenants.HeaderName], out var invalid);
        if (invalid is not null) throw new BadQueryException($"{Tenants.HeaderName}: {invalid}");
        var own = _policy is null ? null : GrantOf(context).Tenant;
        if (named is not null && own is not null && named.Any(tenant => tenant != own))
            throw new AccessDeniedException($"the policy file grants \"{AuthenticationGate.PrincipalOf(context)?.Subject ?? "(anonymous)"}\" tenant \"{own}\" only");
        var tenants = named ?? (own is null ? throw new MissingTenantException() : [own]);
        context.Features.Set(new QueryTenant(tenants));
        return tenants;
    }

    /// <summary>
    /// The one tenant the caller of <paramref name="context"/> reads (<see cref="TenantsOf"/>), for answers that
    /// cannot be combined across tenants (Tempo's "multi-tenant query unsupported", 400).
    /// </summary>
    public string TenantOf(HttpContext context) => TenantsOf(context) switch
    {
        [var one] => one,
        _ => throw new BadQueryException($"{Tenants.HeaderName}: multi-tenant query unsupported here; name one tenant"),
    };

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
        return grant.All && tally is null ? engine : new QueryEngine(new ScopedTraceStore(engine.Store, grant, tally, engine.ScopedListings), engine.Limits, engine.Clock);
    }

    /// <summary>For answers aggregated over every namespace that cannot be scoped (span metrics): refuses readers without <c>all</c>.</summary>
    public void RequireAll(HttpContext context, string what)
    {
        var grant = GrantOf(context);
        if (!grant.All) throw new AccessDeniedException($"{what} aggregate every namespace; they need a reader granted all (this reader: {grant})");
    }
}

/// <summary>The tenants a query reads (one, or several for a cross-tenant query), decided once per request (kept for the audit log).</summary>
public sealed record QueryTenant(IReadOnlyList<string> Tenants)
{
    /// <summary>As <c>X-Scope-OrgID</c> writes them (<c>a|b</c>).</summary>
    public string Id => string.Join(Pipeline.Tenants.Separator, Tenants);
}

/// <summary>A query under multitenancy that names no tenant: Tempo's 401 "no org id".</summary>
public sealed class MissingTenantException() : Exception(Tenants.NoOrgId);
