using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// Builds every exporter the same way, the Collector's exporterhelper as one chain of small decorators:
/// queue → observe (metrics, failure log) → retry → timeout → sink.
/// </summary>
public static class ExporterBuilder
{
    /// <param name="helper">The exporter's queue/retry/timeout settings; null for sinks that cannot fail
    /// transiently (nop, debug), which get only the metrics and the error classification.</param>
    public static IExporter Build(ComponentSettings settings, IExportSink sink, IExporterHelperConfig? helper,
        TimeProvider? time = null)
    {
        var logger = settings.CreateLogger();
        var metrics = new ExporterMetrics(settings.Metrics, settings.Id);
        QueueStage? queue = null;
        ITraceConsumer chain = new TimeoutStage(sink, helper?.Timeout ?? TimeSpan.Zero);
        if (helper is { RetryOnFailure.Enabled: true })
            chain = new RetryStage(chain, helper.RetryOnFailure, time ?? TimeProvider.System);
        var queued = helper is { SendingQueue.Enabled: true };
        chain = new ObservingStage(chain, metrics, logger, queued);
        if (queued)
        {
            queue = new QueueStage(chain, helper!.SendingQueue, metrics, logger);
            chain = queue;
        }
        return new HelpedExporter(chain, queue, sink);
    }
}
