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
}
