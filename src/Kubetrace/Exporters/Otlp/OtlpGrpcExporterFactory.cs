using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Kubetrace.Extensions.Auth;

namespace Kubetrace.Exporters.Otlp;

/// <summary><c>otlp</c>: OTLP over gRPC to another collector or backend.</summary>
public sealed class OtlpGrpcExporterFactory(TimeProvider? time = null) : ExporterFactory<OtlpGrpcExporterConfig>("otlp", time)
{
    protected override IExportSink CreateSink(ComponentSettings settings, OtlpGrpcExporterConfig config) =>
        new OtlpGrpcSink(config, settings.CreateLogger(), () => AuthenticationConfig.ResolveClient(config.Auth, settings.Directory));
}
