using Kubetrace.Components;
using Kubetrace.Pipeline;

namespace Kubetrace.Processors.ResourceAttributes;

public sealed class ResourceProcessorFactory() : ProcessorFactory<ResourceConfig>("resource")
{
    protected override IProcessor Create(ComponentSettings settings, ResourceConfig config, ITraceConsumer next) =>
        new ResourceProcessor(settings, config, next);
}
