using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// <c>logging</c>: the Collector's deprecated name of <c>debug</c>, kept so that old configurations (such as the
/// seed's <c>logging: { logLevel: debug }</c>) run unchanged. Same implementation as debug.
/// </summary>
public sealed class LoggingExporterFactory(TextWriter? output = null, TimeProvider? time = null)
    : ExporterFactory<LoggingExporterConfig>("logging")
{
    // The deprecation warning comes from the config (LoggingExporterConfig.Warnings), so that both
    // `kubetrace validate` and `serve`'s log show it, at the file and line of the exporter.
    protected override IExportSink CreateSink(ComponentSettings settings, LoggingExporterConfig config) =>
        DebugExporterFactory.CreateDebugSink(config.ToDebugConfig(), output, time);
}
