using Kubetrace.Components;
using Kubetrace.Exporters.Helper;
using Microsoft.Extensions.Logging;

namespace Kubetrace.Exporters.Debug;

/// <summary>
/// <c>logging</c>: the Collector's deprecated name of <c>debug</c>, kept so that old configurations (such as the
/// seed's <c>logging: { logLevel: debug }</c>) run unchanged. Same implementation as debug, plus a warning.
/// </summary>
public sealed class LoggingExporterFactory(TextWriter? output = null, TimeProvider? time = null)
    : ExporterFactory<LoggingExporterConfig>("logging")
{
    protected override IExportSink CreateSink(ComponentSettings settings, LoggingExporterConfig config)
    {
        settings.CreateLogger().LogWarning(
            "the logging exporter is deprecated, use debug (exporter {Exporter}); loglevel maps to verbosity",
            settings.Id);
        return DebugExporterFactory.CreateDebugSink(config.ToDebugConfig(), output, time);
    }
}
