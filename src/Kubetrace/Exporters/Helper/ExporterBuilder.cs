using Kubetrace.Components;
using Kubetrace.Extensions.FileStorage;
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
        ISendingQueue? queue = null;
        ITraceConsumer chain = new TimeoutStage(sink, helper?.Timeout ?? TimeSpan.Zero);
        if (helper is { RetryOnFailure.Enabled: true })
            chain = new RetryStage(chain, helper.RetryOnFailure, time ?? TimeProvider.System);
        var queued = helper is { SendingQueue.Enabled: true };
        chain = new ObservingStage(chain, metrics, logger, queued);
        if (queued)
        {
            var config = helper!.SendingQueue;
            queue = config.Storage.Length == 0
                ? new QueueStage(chain, config, metrics, logger)
                : new PersistentQueueStage(chain, config, metrics, logger, () => OpenStorage(settings, config.Storage));
            chain = queue;
        }
        return new HelpedExporter(chain, queue, sink);
    }

    /// <summary>The exporter's client of the storage extension its queue names (started before exporters).</summary>
    private static IStorageClient OpenStorage(ComponentSettings settings, string storage)
    {
        ComponentId.TryParse(storage, out var id, out _);
        var extension = settings.Directory.Find<IStorageExtension>(ComponentKind.Extension, id)
            ?? throw new InvalidOperationException($"exporter {settings.Id}: sending_queue.storage names \"{storage}\", " +
                "which is not a storage extension of this service (add it under extensions: and service.extensions)");
        return extension.GetClient(ComponentKind.Exporter, settings.Id, "traces");
    }
}
