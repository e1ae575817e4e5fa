using Kubetrace.Components;
using Kubetrace.Exporters.Helper;

namespace Kubetrace.Exporters.Kubetrace;

/// <summary>
/// <c>kubetrace</c>: the embedded trace store as an exporter. No queue/retry helper (see <see cref="StoreSink"/>):
/// only the metrics stage, so that errors reach the receiver and its client.
/// </summary>
public sealed class KubetraceExporterFactory() : ExporterFactory<KubetraceExporterConfig>("kubetrace")
{
    protected override IExportSink CreateSink(ComponentSettings settings, KubetraceExporterConfig config) =>
        new StoreSink(settings, config);
}
