using Kubetrace.Storage;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// What a storage exporter offers the query side: its store, once started. Published in the
/// <see cref="Components.ComponentDirectory"/> under the exporter's ID.
/// </summary>
public interface ITraceStoreSource
{
    /// <summary>The open store; null before the exporter started and after it shut down.</summary>
    ITraceStore? Store { get; }

    /// <summary>
    /// The store of one tenant (<see cref="Pipeline.Tenants"/>): null while not open; a store without data for a
    /// tenant that never wrote. A source that keeps no tenants apart holds the single tenant's data only.
    /// </summary>
    ITraceStore? StoreOf(string tenant) => tenant == Pipeline.Tenants.SingleTenant ? Store : Store is null ? null : EmptyTraceStore.Instance;
}
