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
    /// transiently (nop, debug), which get only the metrics.</param>
    public static IExporter Build(ComponentSettings settings, IExportSink sink, IExporterHelperConfig? helper,
        TimeProvider? time = null)
    {
        var logger = settings.CreateLogger();
        var metrics = new ExporterMetrics(settings.Metrics, settings.Id);
        ITraceConsumer chain = sink;
        QueueStage? queue = null;
        if (helper is not null)
        {
            chain = new TimeoutStage(chain, helper.Timeout);
            if (helper.RetryOnFailure.Enabled)
                chain = new RetryStage(chain, helper.RetryOnFailure, time ?? TimeProvider.System);
        }
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
