using Kubetrace.Components;

namespace Kubetrace.Config;

/// <summary>One configured component: its ID, the factory of its type and its bound, validated config object.</summary>
public sealed record ComponentConfig(ComponentId Id, ComponentKind Kind, IComponentFactory Factory, object Settings);

/// <summary>One <c>service.pipelines</c> entry such as <c>traces</c> or <c>traces/2</c>.</summary>
public sealed record PipelineConfig(
    string Id,
    IReadOnlyList<ComponentId> Receivers,
    IReadOnlyList<ComponentId> Processors,
    IReadOnlyList<ComponentId> Exporters);

/// <summary>A loaded, checked configuration: everything the service needs to build and run its pipelines.</summary>
public sealed class ServiceConfig
{
    public required IReadOnlyDictionary<ComponentId, ComponentConfig> Receivers { get; init; }

    public required IReadOnlyDictionary<ComponentId, ComponentConfig> Processors { get; init; }

    public required IReadOnlyDictionary<ComponentId, ComponentConfig> Exporters { get; init; }

    public required IReadOnlyDictionary<ComponentId, ComponentConfig> Extensions { get; init; }

    /// <summary>The extensions listed in <c>service.extensions</c>, in start order; only these run.</summary>
    public required IReadOnlyList<ComponentId> ServiceExtensions { get; init; }

    public required IReadOnlyList<PipelineConfig> Pipelines { get; init; }

    public required TelemetryConfig Telemetry { get; init; }

    /// <summary>Top-level <c>multitenancy_enabled</c> (Tempo's): tenants from <c>X-Scope-OrgID</c> on every write and query.</summary>
    public bool MultitenancyEnabled { get; init; }

    public IReadOnlyDictionary<ComponentId, ComponentConfig> Section(ComponentKind kind) => kind switch
    {
        ComponentKind.Receiver => Receivers,
        ComponentKind.Processor => Processors,
        ComponentKind.Exporter => Exporters,
        _ => Extensions,
    };
}
