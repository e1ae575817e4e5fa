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

    /// <summary>
    /// Each component's <c>samplingRatePerMillion</c> (service name → rate; <c>"*"</c>: every other component), so
    /// that analyses scale what was sampled back to the cluster's traffic. A query's <c>sampling-rate-per-million</c>
    /// overrides it.
    /// </summary>
    public Dictionary<string, int> SamplingRatePerMillion { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ConfigProblem> Validate()
    {
        foreach (var (component, rate) in SamplingRatePerMillion)
            if (rate is < 0 or > 1_000_000)
                yield return new ConfigProblem($"sampling_rate_per_million::{component}", $"{rate} is outside 0..1000000");
        if (!ComponentId.TryParse(Storage, out _, out var error))
            yield return new ConfigProblem("storage", error ?? "is not a component ID");
        if (string.IsNullOrWhiteSpace(Endpoint)) yield return new ConfigProblem("endpoint", "is required (host:port)");
    }
}
