using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.Otlp;

/// <summary><c>otlphttp</c>: OTLP over HTTP (protobuf or JSON) to another collector or backend.</summary>
public sealed class OtlpHttpExporterFactory(OtlpJsonWriter? jsonWriter = null, TimeProvider? time = null)
    : ExporterFactory<OtlpHttpExporterConfig>("otlphttp", time)
{
    protected override IExportSink CreateSink(ComponentSettings settings, OtlpHttpExporterConfig config) =>
        new OtlpHttpSink(config, jsonWriter ?? OtlpJsonWriters.Default, settings.CreateLogger(), Time);
}
