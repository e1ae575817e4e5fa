namespace Kubetrace.Kubernetes.Catalog;

/// <summary>
/// How a component traces in a range of releases, apart from its spans: the resource it reports, the sampler its
/// tracer provider is built with, and which incoming trace context it follows (so which callers' traces it joins).
/// </summary>
public sealed record ComponentTracing
{
    public required string Component { get; init; }

    public required ReleaseRange Releases { get; init; }

    /// <summary>Resource attributes the component sets itself (OTEL_RESOURCE_ATTRIBUTES may add more).</summary>
    public required IReadOnlyList<AttributeShape> Resource { get; init; }

    /// <summary>The sampler, in OpenTelemetry's terms (<c>ParentBased(TraceIDRatioBased(rate/1e6))</c>), and how it is configured.</summary>
    public required string Sampler { get; init; }

    /// <summary>Which incoming <c>traceparent</c> the component follows, links or ignores.</summary>
    public required string IncomingContext { get; init; }

    public required IReadOnlyList<SourceRef> Sources { get; init; }

    public string? Note { get; init; }
}
