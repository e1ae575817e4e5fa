using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors;

/// <summary>Typed processor factory: a concrete factory is its type name and one <c>Create</c> line.</summary>
public abstract class ProcessorFactory<TConfig>(string type)
    : ComponentFactory<TConfig>(type, ComponentKind.Processor), IProcessorFactory
    where TConfig : class, new()
{
    public IProcessor Create(ComponentSettings settings, object config, ITraceConsumer next) =>
        Create(settings, (TConfig)config, next);

    protected abstract IProcessor Create(ComponentSettings settings, TConfig config, ITraceConsumer next);
}
