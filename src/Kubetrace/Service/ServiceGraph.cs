using Kubetrace.Components;
using Kubetrace.Config;
using Kubetrace.Pipeline;

namespace Kubetrace.Service;

/// <summary>
/// Builds the running components of a configuration and wires them: each exporter and each receiver once (a
/// receiver listed by several pipelines feeds a fan-out over them), processors once per pipeline, chained in order,
/// the last feeding a fan-out over the pipeline's exporters. Only components that a pipeline (or
/// <c>service.extensions</c>) uses are built, as in the Collector.
/// </summary>
public sealed class ServiceGraph
{
    private ServiceGraph(List<RunningComponent> startOrder, List<string> pipelineSummaries)
    {
        StartOrder = startOrder;
        PipelineSummaries = pipelineSummaries;
    }

    /// <summary>
    /// Extensions, exporters, processors (each chain from its end, so a processor starts after what it feeds),
    /// then receivers. Shutdown runs this list backwards: receivers stop taking data, processors flush downstream
    /// in chain order, exporters drain, extensions stop.
    /// </summary>
    public IReadOnlyList<RunningComponent> StartOrder { get; }

    /// <summary>One line per pipeline for the start-up log: <c>traces: otlp → batch → debug, file</c>.</summary>
    public IReadOnlyList<string> PipelineSummaries { get; }

    public static ServiceGraph Build(ServiceConfig config, Func<ComponentId, ComponentSettings> settingsFor)
    {
        var extensions = config.ServiceExtensions
            .Select(id => Create(config.Extensions[id], c => ((IExtensionFactory)c.Factory).Create(settingsFor(id), c.Settings)))
            .ToList();

        var exporters = new Dictionary<ComponentId, RunningComponent>();
        foreach (var id in config.Pipelines.SelectMany(p => p.Exporters).Distinct())
            exporters[id] = Create(config.Exporters[id], c => ((IExporterFactory)c.Factory).Create(settingsFor(id), c.Settings));

        var processors = new List<RunningComponent>();
        var pipelineEntries = new Dictionary<string, ITraceConsumer>();
        foreach (var pipeline in config.Pipelines)
        {
            var next = FanOutConsumer.Over(pipeline.Exporters
                .Select(id => ($"exporter {id}", (ITraceConsumer)exporters[id].Component)).ToList());
            for (var i = pipeline.Processors.Count - 1; i >= 0; i--)
            {
                var id = pipeline.Processors[i];
                var consumer = next;
                var processor = Create(config.Processors[id],
                    c => ((IProcessorFactory)c.Factory).Create(settingsFor(id), c.Settings, consumer),
                    $" in {pipeline.Id}");
                processors.Add(processor);
                next = (ITraceConsumer)processor.Component;
            }
            pipelineEntries[pipeline.Id] = next;
        }

        var receivers = new List<RunningComponent>();
        foreach (var id in config.Pipelines.SelectMany(p => p.Receivers).Distinct())
        {
            var entry = FanOutConsumer.Over(config.Pipelines.Where(p => p.Receivers.Contains(id))
                .Select(p => ($"pipeline {p.Id}", pipelineEntries[p.Id])).ToList());
            receivers.Add(Create(config.Receivers[id], c => ((IReceiverFactory)c.Factory).Create(settingsFor(id), c.Settings, entry)));
        }

        var summaries = config.Pipelines.Select(Summary).ToList();
        return new ServiceGraph([.. extensions, .. exporters.Values, .. processors, .. receivers], summaries);
    }

    private static string Summary(PipelineConfig pipeline)
    {
        var stages = new List<string> { Names(pipeline.Receivers) };
        stages.AddRange(pipeline.Processors.Select(id => id.ToString()));
        stages.Add(Names(pipeline.Exporters));
        return $"{pipeline.Id}: {string.Join(" → ", stages)}";
    }

    private static string Names(IEnumerable<ComponentId> ids) => string.Join(", ", ids);

    private static RunningComponent Create(ComponentConfig config, Func<ComponentConfig, IComponent> create, string where = "")
    {
        var label = $"{config.Kind.ToString().ToLowerInvariant()} {config.Id}{where}";
        try
        {
            return new RunningComponent(label, config.Kind, create(config));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ServiceStartException($"cannot create {label}: {e.Message}", e);
        }
    }
}
