using Kubetrace.Components;

namespace Kubetrace.Api.Extension;

/// <summary>Config of the <c>kubetrace_query</c> extension.</summary>
public sealed class KubetraceQueryConfig : IValidatableConfig
{
    /// <summary>ID of the storage exporter whose store is queried (Jaeger v2's <c>jaeger_query.storage</c>).</summary>
    public string Storage { get; set; } = "kubetrace";

    /// <summary>Native (<c>/api/v1</c>) and Jaeger query API, Jaeger's port.</summary>
    public string Endpoint { get; set; } = "localhost:16686";

    /// <summary>Tempo query API, Tempo's port (its <c>/api/traces/{id}</c> differs from Jaeger's); empty: off.</summary>
    public string TempoEndpoint { get; set; } = "localhost:3200";

    public IEnumerable<ConfigProblem> Validate()
    {
        if (!ComponentId.TryParse(Storage, out _, out var error))
            yield return new ConfigProblem("storage", error ?? "is not a component ID");
        if (string.IsNullOrWhiteSpace(Endpoint)) yield return new ConfigProblem("endpoint", "is required (host:port)");
    }
}
