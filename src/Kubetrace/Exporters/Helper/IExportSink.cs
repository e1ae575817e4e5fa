using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Exporters.Helper;

/// <summary>
/// What an exporter itself implements: deliver one batch, once, and report failure as a classified
/// <see cref="ConsumerException"/>. Queueing, retrying, time limits and metrics are added around it by
/// <see cref="ExporterBuilder"/>. Shutdown is called after the queue has drained and must flush.
/// </summary>
public interface IExportSink : IComponent, ITraceConsumer;
