using Kubetrace.Extensions.HealthCheck;

namespace Kubetrace.Components;

/// <summary>
/// Every component type this binary knows, by kind. A single binary wires its pipelines directly, so this is a
/// plain list rather than a plugin mechanism: add one line per factory.
/// </summary>
public static class ComponentRegistry
{
    public static IReadOnlyList<IReceiverFactory> Receivers { get; } =
    [
        new Receivers.Otlp.OtlpReceiverFactory(),
    ];

    public static IReadOnlyList<IProcessorFactory> Processors { get; } =
    [
        new Processors.Batch.BatchProcessorFactory(),
        new Processors.MemoryLimiter.MemoryLimiterProcessorFactory(),
        new Processors.ProbabilisticSampler.ProbabilisticSamplerProcessorFactory(),
        new Processors.Redaction.RedactionProcessorFactory(),
        new Processors.TailSampling.TailSamplingProcessorFactory(),
        new Processors.Attributes.AttributesProcessorFactory(),
        new Processors.ResourceAttributes.ResourceProcessorFactory(),
        new Processors.Filter.FilterProcessorFactory(),
        new Processors.Transform.TransformProcessorFactory(),
    ];

    public static IReadOnlyList<IExporterFactory> Exporters { get; } =
    [
        new Exporters.Nop.NopExporterFactory(),
        new Exporters.Debug.DebugExporterFactory(),
        new Exporters.Debug.LoggingExporterFactory(),
        new Exporters.File.FileExporterFactory(),
        new Exporters.Otlp.OtlpGrpcExporterFactory(),
        new Exporters.Otlp.OtlpHttpExporterFactory(),
        new Exporters.Kubetrace.KubetraceExporterFactory(),
        new Exporters.ClickHouse.ClickHouseExporterFactory(),
    ];

    public static IReadOnlyList<IExtensionFactory> Extensions { get; } =
    [
        new HealthCheckFactory(),
        new Extensions.FileStorage.FileStorageFactory(),
        new Api.Extension.KubetraceQueryFactory(),
        new Extensions.Auth.BearerToken.BearerTokenAuthFactory(),
        new Extensions.Auth.Basic.BasicAuthFactory(),
        new Extensions.Auth.Oidc.OidcAuthFactory(),
    ];

    public static IComponentFactory? Find(ComponentKind kind, string type) => kind switch
    {
        ComponentKind.Receiver => Receivers.FirstOrDefault(f => f.Type == type),
        ComponentKind.Processor => Processors.FirstOrDefault(f => f.Type == type),
        ComponentKind.Exporter => Exporters.FirstOrDefault(f => f.Type == type),
        ComponentKind.Extension => Extensions.FirstOrDefault(f => f.Type == type),
        _ => null,
    };
}
