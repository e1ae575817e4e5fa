using Kubetrace.Api.Authorization;
using Kubetrace.Exporters.Kubetrace;
using Kubetrace.Query;
using Kubetrace.Query.Budget;

namespace Kubetrace.Api;

/// <summary>
/// Finds the query engine over the named storage at request time: the query server starts before the exporter
/// that owns the store (extensions start first), and the store closes before the server at shutdown.
/// </summary>
public sealed class EngineSource(Func<ITraceStoreSource?> find, string storageName, QueryLimits? limits = null)
{
    private readonly QueryLimits _limits = limits ?? QueryLimits.Default;
    private QueryEngine? _engine;

    public string StorageName => storageName;

    /// <summary>What each caller may read (<see cref="QueryAuthorization.None"/>: everything).</summary>
    public QueryAuthorization Authorization { get; init; } = QueryAuthorization.None;

    /// <summary>The query slots every API of this server shares.</summary>
    public QueryGate Gate { get; } = new(limits ?? QueryLimits.Default);

    /// <summary>The engine, or null while the store is not open (answered 503).</summary>
    public QueryEngine? Current()
    {
        var store = find()?.Store;
        if (store is null) return null;
        var engine = Volatile.Read(ref _engine);
        if (engine is null || !ReferenceEquals(engine.Store, store)) Volatile.Write(ref _engine, engine = new QueryEngine(store, _limits));
        return engine;
    }
}
