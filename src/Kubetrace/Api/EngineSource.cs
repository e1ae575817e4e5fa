using Kubetrace.Api.Authorization;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query;
using Kubetrace.Query.Budget;
using Kubetrace.Storage;

namespace Kubetrace.Api;

/// <summary>
/// Finds the query engine over the named storage at request time: the query server starts before the exporter
/// that owns the store (extensions start first), and the store closes before the server at shutdown.
/// </summary>
public sealed class EngineSource(Func<ITraceStoreSource?> find, string storageName, QueryLimits? limits = null)
{
    private readonly QueryLimits _limits = limits ?? QueryLimits.Default;
    // One engine per open store (a tenant's), dropped with it.
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<ITraceStore, QueryEngine> _engines = new();

    public string StorageName => storageName;

    /// <summary>What each caller may read (<see cref="QueryAuthorization.None"/>: everything).</summary>
    public QueryAuthorization Authorization { get; init; } = QueryAuthorization.None;

    /// <summary>"Now" for every engine's APIs (<see cref="QueryEngine.Clock"/>): the query extension's clock.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>The query slots every API of this server shares.</summary>
    public QueryGate Gate { get; } = new(limits ?? QueryLimits.Default);

    /// <summary>
    /// The engine over what the caller of <paramref name="context"/> may read, or null while the store is not open
    /// (answered 503): the store of its tenant (<see cref="QueryAuthorization.TenantsOf"/>; the tenants' stores read as
    /// one, <see cref="FederatedTraceStore"/>, for a cross-tenant query) narrowed to its namespaces
    /// (<see cref="QueryAuthorization.Scope"/>). The one place every API's reads are decided.
    /// </summary>
    /// <exception cref="MissingTenantException">Multitenancy is on and the request names no tenant.</exception>
    /// <exception cref="BadQueryException">A tenant it names cannot be stored by this storage (<see cref="Pipeline.ITenantRule"/>).</exception>
    /// <exception cref="Query.Access.AccessDeniedException">The caller may not read this tenant, or nothing at all.</exception>
    public QueryEngine? For(Microsoft.AspNetCore.Http.HttpContext context)
    {
        var tenants = Authorization.TenantsOf(context);
        if (find() is not { } source) return null;
        if (source is Pipeline.ITenantRule rule)
            foreach (var each in tenants)
                if (rule.Refuses(each) is { } refusal) throw new BadQueryException($"{Pipeline.Tenants.HeaderName}: {refusal}");
        if (tenants is [var tenant])
            return source.StoreOf(tenant) is { } store ? Authorization.Scope(context, _engines.GetValue(store, s => new QueryEngine(s, _limits, Clock))) : null;
        var stores = new List<(string, ITraceStore)>(tenants.Count);
        foreach (var each in tenants)
        {
            if (source.StoreOf(each) is not { } store) return null;
            stores.Add((each, store));
        }
        return Authorization.Scope(context, new QueryEngine(new FederatedTraceStore(stores), _limits, Clock));
    }
}
